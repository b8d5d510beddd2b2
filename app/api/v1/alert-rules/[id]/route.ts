import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { deleteRule, updateRule } from "#lib/alerts/alerts.ts";

export const PATCH = route(operations.updateAlertRule, async ({ params, body, actor }) => updateRule(uuidParam(params.id, "Alert rule"), body, actorLabel(actor)));

export const DELETE = route(operations.deleteAlertRule, async ({ params, actor }) => {
  await deleteRule(uuidParam(params.id, "Alert rule"), actorLabel(actor));
  return new Response(null, { status: 204 });
});
