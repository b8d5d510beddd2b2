import { route } from "#lib/api/route.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createUserBody } from "#lib/admin/schemas.ts";
import { createUser, listUsers } from "#lib/admin/users.ts";

export const GET = route({ permission: "admin" }, async () => ({ users: await listUsers() }));

export const POST = route({ permission: "admin", body: createUserBody }, async ({ actor, body }) =>
  Response.json(await createUser(body, actorLabel(actor)), { status: 201 }),
);
