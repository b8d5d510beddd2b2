import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { engine } from "#lib/engine/runtime.ts";
import { receiveWebhook } from "#lib/triggers/webhooks.ts";

/** For senders that cannot sign: the URL's token is the secret (weaker; see the trigger's panel). */
export const POST = route(operations.receiveWebhookWithToken, async ({ params, request }) =>
  receiveWebhook(await engine(), uuidParam(params.id, "Webhook"), request, params.token),
);
