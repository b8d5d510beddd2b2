import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { updateUser } from "#lib/admin/users.ts";

export const PATCH = route(operations.updateUser, async ({ actor, body, params }) =>
  updateUser(uuidParam(params.id, "User"), body, actorLabel(actor)),
);
