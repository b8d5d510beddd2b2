import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { engine } from "#lib/engine/runtime.ts";
import { receiveWebhook } from "#lib/triggers/webhooks.ts";

/** Senders authenticate by signature, not by session or token: see lib/triggers/webhooks.ts. */
export const POST = route(operations.receiveWebhook, async ({ params, request }) => receiveWebhook(await engine(), uuidParam(params.id, "Webhook"), request));
