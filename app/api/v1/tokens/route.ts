import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel, actorUserId } from "#lib/auth/actor.ts";
import { createApiToken, listApiTokens } from "#lib/admin/api-tokens.ts";

export const GET = route(operations.listTokens, async () => ({ tokens: await listApiTokens() }));

/** The response holds the token itself; it is never shown again. */
export const POST = route(operations.createToken, async ({ actor, body }) =>
  Response.json(await createApiToken(body, { label: actorLabel(actor), userId: actorUserId(actor) }), { status: 201, headers: { "cache-control": "no-store" } }),
);
