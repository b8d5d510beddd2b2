// Sign-in with email and password, throttled per account, per address and per account from an
// address (throttle.ts) in Postgres, so every web process shares one budget. The attempt is
// admitted (and counted) before the password is checked.
import { db as defaultDb, pool as defaultPool, type Db } from "../db.ts";
import type pg from "pg";
import { forbidden, unauthorized } from "../api/errors.ts";
import { verifyPassword } from "./passwords.ts";
import { createSession } from "./sessions.ts";
import { admitAttempt, recordFailure, recordSuccess, throttleKeys } from "./throttle.ts";

export async function login(
  input: { email: string; password: string },
  client: { userAgent: string | null; address: string | null },
  db: Db = defaultDb(),
  pool: pg.Pool = defaultPool(),
) {
  const keys = throttleKeys(input.email, client.address);
  await admitAttempt(pool, keys);
  const user = await db.user.findUnique({ where: { email: input.email } });
  if (!(await verifyPassword(user?.passwordHash, input.password)) || !user) {
    await recordFailure(pool, keys);
    throw unauthorized("The email or password is wrong.");
  }
  if (user.disabledAt) throw forbidden("This account is disabled; ask an admin to enable it.");
  await recordSuccess(pool, keys);
  const session = await createSession(user.id, client.userAgent, db);
  return { ...session, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
