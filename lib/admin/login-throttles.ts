// Admins see who is being slowed down at sign-in, and clear a count (say, after helping someone
// who mistyped their password many times). Clearing is audited.
import { db as defaultDb, pool as defaultPool, type Db } from "../db.ts";
import type pg from "pg";
import { notFound } from "../api/errors.ts";
import { listThrottles, THROTTLE_RULES } from "../auth/throttle.ts";
import { audit } from "./audit.ts";

export async function loginThrottles(pool: pg.Pool = defaultPool()) {
  return { throttles: await listThrottles(pool), rules: THROTTLE_RULES };
}

export async function clearLoginThrottle(key: string, actor: string, db: Db = defaultDb()): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.loginThrottle.deleteMany({ where: { key } });
    if (count === 0) throw notFound(`Sign-in throttle ${key}`);
    await audit(tx, { actor, action: "login_throttle.cleared", targetType: "login_throttle", targetId: key });
  });
}
