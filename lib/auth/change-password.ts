import { db as defaultDb, type Db } from "../db.ts";
import { forbidden, unprocessable } from "../api/errors.ts";
import { audit } from "../admin/audit.ts";
import type { Actor } from "./actor.ts";
import { actorLabel } from "./actor.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

/** A signed-in person changes their own password; their other sessions end. */
export async function changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string, db: Db = defaultDb()) {
  if (actor.type !== "user" || actor.via !== "cookie") throw forbidden("Only a signed-in person changes their password (not an API token or an approval link).");
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.id } });
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    throw unprocessable("The current password is wrong.", [{ path: "currentPassword", message: "That is not your current password." }]);
  }
  const passwordHash = await hashPassword(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId: user.id, id: { not: actor.sessionId } } });
    await audit(tx, { actor: actorLabel(actor), action: "user.password_changed", targetType: "user", targetId: user.id });
  });
}
