import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { clearLoginThrottle } from "#lib/admin/login-throttles.ts";

export const DELETE = route(operations.clearLoginThrottle, async ({ actor, params }) => {
  await clearLoginThrottle(params.key, actorLabel(actor));
  return new Response(null, { status: 204 });
});
