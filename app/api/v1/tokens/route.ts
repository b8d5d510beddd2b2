import { route } from "#lib/api/route.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createTokenBody } from "#lib/admin/schemas.ts";
import { createApiToken, listApiTokens } from "#lib/admin/api-tokens.ts";

export const GET = route({ permission: "admin" }, async () => ({ tokens: await listApiTokens() }));

/** The response holds the token itself; it is never shown again. */
export const POST = route({ permission: "admin", body: createTokenBody }, async ({ actor, body }) =>
  Response.json(await createApiToken(body, actorLabel(actor)), { status: 201, headers: { "cache-control": "no-store" } }),
);
