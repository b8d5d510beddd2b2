import { route } from "#lib/api/route.ts";
import { changePasswordBody } from "#lib/admin/schemas.ts";
import { changeOwnPassword } from "#lib/auth/change-password.ts";

export const POST = route({ permission: "read", body: changePasswordBody }, async ({ actor, body }) => {
  await changeOwnPassword(actor, body.currentPassword, body.newPassword);
  return new Response(null, { status: 204 });
});
