import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { deleteCredential, updateCredential } from "#lib/secrets/credentials.ts";

export const PATCH = route(operations.updateCredential, async ({ actor, params, body }) => updateCredential(uuidParam(params.id, "Credential"), body, actorLabel(actor)));

export const DELETE = route(operations.deleteCredential, async ({ actor, params }) => {
  await deleteCredential(uuidParam(params.id, "Credential"), actorLabel(actor));
  return new Response(null, { status: 204 });
});
