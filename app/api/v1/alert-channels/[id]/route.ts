import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { deleteChannel } from "#lib/alerts/alerts.ts";

export const DELETE = route(operations.deleteAlertChannel, async ({ params, actor }) => {
  await deleteChannel(uuidParam(params.id, "Alert channel"), actorLabel(actor));
  return new Response(null, { status: 204 });
});
