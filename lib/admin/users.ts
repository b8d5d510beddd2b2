// Users: create, list, change (role, name, password, disabled). Disabling ends the user's
// sessions; the last active admin cannot be demoted or disabled.
import { db as defaultDb, type Db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { hashPassword } from "../auth/passwords.ts";
import { conflict, notFound } from "../api/errors.ts";
import { audit } from "./audit.ts";
import type { CreateUserBody, UpdateUserBody } from "./schemas.ts";

const publicFields = { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true } as const;
export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicFields }>;

export function listUsers(db: Db = defaultDb()): Promise<PublicUser[]> {
  return db.user.findMany({ select: publicFields, orderBy: { createdAt: "asc" } });
}

export async function createUser(input: CreateUserBody, actor: string, db: Db = defaultDb()): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email } })) {
      throw conflict(`A user with email ${input.email} already exists.`);
    }
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, role: input.role, passwordHash },
      select: publicFields,
    });
    await audit(tx, { actor, action: "user.created", targetType: "user", targetId: user.id, data: { email: user.email, role: user.role } });
    return user;
  });
}

export async function updateUser(id: string, change: UpdateUserBody, actor: string, db: Db = defaultDb()): Promise<PublicUser> {
  const passwordHash = change.password ? await hashPassword(change.password) : undefined;
  return db.$transaction(async (tx) => {
    // Serialise concurrent admin changes so the last-admin check cannot race.
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('baton:users'))`;
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw notFound(`User ${id}`);
    const losesAdmin =
      user.role === "admin" && !user.disabledAt && ((change.role && change.role !== "admin") || change.disabled === true);
    if (losesAdmin) {
      const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: id } } });
      if (others === 0) throw conflict("This is the last active admin; make another user admin first.");
    }
    const disabledAt = change.disabled === undefined ? undefined : change.disabled ? (user.disabledAt ?? new Date()) : null;
    const updated = await tx.user.update({
      where: { id },
      data: { name: change.name, role: change.role, passwordHash, disabledAt },
      select: publicFields,
    });
    // A disabled user, or one whose password changed, signs in again.
    if (change.disabled || passwordHash) await tx.session.deleteMany({ where: { userId: id } });
    const { password: _, ...visible } = change;
    await audit(tx, { actor, action: "user.updated", targetType: "user", targetId: id, data: { ...visible, passwordChanged: !!passwordHash } });
    return updated;
  });
}
