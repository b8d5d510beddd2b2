import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { rotateWebhookSecret } from "#lib/triggers/triggers.ts";

export const POST = route(operations.rotateTriggerSecret, async ({ params, body, actor }) =>
  Response.json(await rotateWebhookSecret(uuidParam(params.id, "Trigger"), actorLabel(actor), body), { headers: { "cache-control": "no-store" } }),
);
