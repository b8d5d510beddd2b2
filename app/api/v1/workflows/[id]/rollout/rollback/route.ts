import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { rollBack } from "#lib/workflows/rollout.ts";

export const POST = route(operations.rollBackRollout, async ({ params, body, actor }) => rollBack(uuidParam(params.id, "Workflow"), body ?? { reason: "" }, actorLabel(actor)));
