import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { deleteTrigger, getTrigger, updateTrigger } from "#lib/triggers/triggers.ts";

export const GET = route(operations.getTrigger, async ({ params }) => getTrigger(uuidParam(params.id, "Trigger")));

export const PATCH = route(operations.updateTrigger, async ({ params, body, actor }) => updateTrigger(uuidParam(params.id, "Trigger"), body, actorLabel(actor)));

export const DELETE = route(operations.deleteTrigger, async ({ params, actor }) => {
  await deleteTrigger(uuidParam(params.id, "Trigger"), actorLabel(actor));
  return new Response(null, { status: 204 });
});
