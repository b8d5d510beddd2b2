import { route } from "#lib/api/route.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { updateUserBody } from "#lib/admin/schemas.ts";
import { updateUser } from "#lib/admin/users.ts";

export const PATCH = route({ permission: "admin", body: updateUserBody }, async ({ actor, body, params }) =>
  updateUser(uuidParam(params.id, "User"), body, actorLabel(actor)),
);
