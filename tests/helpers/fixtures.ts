// People for tests: an admin and one user per role, all with the same password.
import { roles, type Role } from "../../lib/auth/permissions.ts";
import { createUser } from "../../lib/admin/users.ts";
import type { Db } from "../../lib/db.ts";

export const PASSWORD = "correct horse battery staple";
export const emailFor = (role: Role) => `${role}@test.local`;

export async function createRoleUsers(db: Db): Promise<Record<Role, string>> {
  const ids = {} as Record<Role, string>;
  for (const role of roles) {
    const user = await createUser({ email: emailFor(role), name: `${role[0].toUpperCase()}${role.slice(1)} User`, role, password: PASSWORD }, "system", db);
    ids[role] = user.id;
  }
  return ids;
}
