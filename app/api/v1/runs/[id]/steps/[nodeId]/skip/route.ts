import { route } from "#lib/api/route.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { engine } from "#lib/engine/runtime.ts";
import { skipStep } from "#lib/engine/commands.ts";
import { skipStepBody } from "#lib/workflows/schemas.ts";

export const POST = route({ permission: "runs.operate", body: skipStepBody, optionalBody: true }, async ({ params, body, actor }) =>
  skipStep(await engine(), uuidParam(params.id, "Run"), params.nodeId, body, actorLabel(actor)),
);
