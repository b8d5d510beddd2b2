import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { changeOwnPassword } from "#lib/auth/change-password.ts";

export const POST = route(operations.changePassword, async ({ actor, body }) => {
  await changeOwnPassword(actor, body.currentPassword, body.newPassword);
  return new Response(null, { status: 204 });
});
