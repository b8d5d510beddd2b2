import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { pool } from "#lib/db.ts";
import { getRollout, startRollout } from "#lib/workflows/rollout.ts";

export const GET = route(operations.getRollout, async ({ params }) => getRollout(uuidParam(params.id, "Workflow"), pool()));

export const PUT = route(operations.startRollout, async ({ params, body, actor }) => startRollout(uuidParam(params.id, "Workflow"), body, actorLabel(actor)));
