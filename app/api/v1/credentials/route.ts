import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createCredential, listCredentials } from "#lib/secrets/credentials.ts";

export const GET = route(operations.listCredentials, async () => ({ credentials: await listCredentials() }));

export const POST = route(operations.createCredential, async ({ actor, body }) =>
  Response.json(await createCredential(body, actorLabel(actor)), { status: 201, headers: { "cache-control": "no-store" } }),
);
