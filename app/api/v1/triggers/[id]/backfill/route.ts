import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { backfill } from "#lib/triggers/triggers.ts";

export const POST = route(operations.backfillTrigger, async ({ params, body, actor }) => backfill(uuidParam(params.id, "Trigger"), new Date(body.from), new Date(body.to), actorLabel(actor)));
