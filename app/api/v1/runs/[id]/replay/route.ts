import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { engine } from "#lib/engine/runtime.ts";
import { replayRun } from "#lib/engine/commands.ts";
import { statusUrl } from "#lib/runs/queries.ts";

/** A new run reusing the outputs of the steps before `fromNodeId` (edit-and-rerun: from the start node, with a new input). */
export const POST = route(operations.replayRun, async ({ params, body, actor }) => {
  const run = await replayRun(await engine(), uuidParam(params.id, "Run"), body, actorLabel(actor));
  return Response.json({ id: run.id, status: run.status, statusUrl: statusUrl(run.id) }, { status: 202, headers: { location: statusUrl(run.id) } });
});
