import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { promoteRollout } from "#lib/workflows/rollout.ts";

export const POST = route(operations.promoteRollout, async ({ params, body, actor }) => promoteRollout(uuidParam(params.id, "Workflow"), body ?? { note: "" }, actorLabel(actor)));
