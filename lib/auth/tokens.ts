// API tokens for machines: `bt_` + 43 random characters, shown once, stored as SHA-256.
import { db as defaultDb, type Db } from "../db.ts";
import type { Actor } from "./actor.ts";
import { newSecret, sha256 } from "./secrets.ts";

export const TOKEN_PREFIX = "bt_";
const TOUCH_INTERVAL_MS = 60_000;

export async function tokenActor(token: string, db: Db = defaultDb()): Promise<Actor | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const record = await db.apiToken.findUnique({ where: { tokenHash: sha256(token) } });
  if (!record || record.revokedAt) return null;
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  return { type: "token", id: record.id, name: record.name, role: record.role, via: "bearer" };
}

export function newApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = newSecret(TOKEN_PREFIX);
  return { token, tokenHash: sha256(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}
