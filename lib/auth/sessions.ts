// Browser sessions: a random cookie value, stored as its SHA-256, valid for BATON_SESSION_TTL_HOURS
// and extended while used.
import { env } from "../env.ts";
import { db as defaultDb, type Db } from "../db.ts";
import type { Actor } from "./actor.ts";
import { newSecret, sha256 } from "./secrets.ts";

export const SESSION_COOKIE = "baton_session";
const ttlMs = () => env.BATON_SESSION_TTL_HOURS * 3_600_000;
/** Refresh lastSeenAt/expiry at most this often, so reads do not write on every request. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

export async function createSession(userId: string, userAgent: string | null, db: Db = defaultDb()) {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + ttlMs());
  await db.session.create({ data: { id: sha256(token), userId, expiresAt, userAgent: userAgent?.slice(0, 300) } });
  return { token, expiresAt };
}

export async function sessionActor(token: string, db: Db = defaultDb()): Promise<Actor | null> {
  const id = sha256(token);
  const session = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!session || session.expiresAt <= new Date() || session.user.disabledAt) return null;
  if (Date.now() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.update({ where: { id }, data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + ttlMs()) } });
  }
  const { user } = session;
  return { type: "user", id: user.id, email: user.email, name: user.name, role: user.role, via: "cookie", sessionId: id };
}

export async function deleteSession(token: string, db: Db = defaultDb()): Promise<void> {
  await db.session.deleteMany({ where: { id: sha256(token) } });
}
