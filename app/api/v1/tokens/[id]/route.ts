import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { revokeApiToken } from "#lib/admin/api-tokens.ts";

export const DELETE = route(operations.revokeToken, async ({ actor, params }) => {
  await revokeApiToken(uuidParam(params.id, "API token"), actorLabel(actor));
  return new Response(null, { status: 204 });
});
