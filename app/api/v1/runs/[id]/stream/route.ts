import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { eventStream, resumePosition } from "#lib/live/sse.ts";
import { assertRunExists } from "#lib/runs/queries.ts";

/** Server-Sent Events: every event of one run; `?after=0` starts from its first. */
export const GET = route(operations.runStream, async ({ request, params, query }) => {
  const runId = uuidParam(params.id, "Run");
  await assertRunExists(runId);
  return eventStream(request, { run: runId }, resumePosition(request, query.after));
});
