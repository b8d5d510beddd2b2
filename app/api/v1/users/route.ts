import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createUser, listUsers } from "#lib/admin/users.ts";

export const GET = route(operations.listUsers, async () => ({ users: await listUsers() }));

export const POST = route(operations.createUser, async ({ actor, body }) =>
  Response.json(await createUser(body, actorLabel(actor)), { status: 201 }),
);
