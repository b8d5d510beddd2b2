// Browser sessions: a random cookie value, stored as its SHA-256. A session ends when unused for
// BATON_SESSION_TTL_HOURS (each use extends it), and in any case BATON_SESSION_MAX_HOURS after
// sign-in, so a stolen cookie that is kept in use does not live for ever.
import { env } from "../env.ts";
import { db as defaultDb, type Db } from "../db.ts";
import type { Actor } from "./actor.ts";
import { newSecret, sha256 } from "./secrets.ts";

export const SESSION_COOKIE = "baton_session";
const ttlMs = () => env.BATON_SESSION_TTL_HOURS * 3_600_000;
const maxMs = () => env.BATON_SESSION_MAX_HOURS * 3_600_000;
/** Idle expiry from now, never past the absolute end. */
const expiryFrom = (createdAt: number) => new Date(Math.min(Date.now() + ttlMs(), createdAt + maxMs()));
/** Refresh lastSeenAt/expiry at most this often, so reads do not write on every request. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

export async function createSession(userId: string, userAgent: string | null, db: Db = defaultDb()) {
  const token = newSecret();
  const expiresAt = expiryFrom(Date.now());
  await db.session.create({ data: { id: sha256(token), userId, expiresAt, userAgent: userAgent?.slice(0, 300) } });
  return { token, expiresAt };
}

export async function sessionActor(token: string, db: Db = defaultDb()): Promise<Actor | null> {
  const id = sha256(token);
  const session = await db.session.findUnique({ where: { id }, include: { user: true } });
  const now = Date.now();
  if (!session || session.expiresAt.getTime() <= now || session.createdAt.getTime() + maxMs() <= now || session.user.disabledAt) return null;
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.update({ where: { id }, data: { lastSeenAt: new Date(), expiresAt: expiryFrom(session.createdAt.getTime()) } });
  }
  const { user } = session;
  return { type: "user", id: user.id, email: user.email, name: user.name, role: user.role, via: "cookie", sessionId: id };
}

export async function deleteSession(token: string, db: Db = defaultDb()): Promise<void> {
  await db.session.deleteMany({ where: { id: sha256(token) } });
}
