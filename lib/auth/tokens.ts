// API tokens for machines: `bt_` + 43 random characters, shown once, stored as SHA-256.
import type pg from "pg";
import { pool as defaultPool } from "../db.ts";
import type { Actor } from "./actor.ts";
import { newSecret, sha256 } from "./secrets.ts";

export const TOKEN_PREFIX = "bt_";
const TOUCH_INTERVAL_MS = 60_000;

/**
 * The actor behind a token, or null when it is unknown, revoked, expired, or its person is
 * disabled. Plain prepared SQL: it runs on every machine request.
 */
export async function tokenActor(token: string, pool: pg.Pool = defaultPool()): Promise<Actor | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const { rows } = await pool.query({
    name: "token-actor",
    text: `select t.id, t.name, t.role, t.last_used_at, t.created_by_user_id
             from api_tokens t left join users u on u.id = t.created_by_user_id
            where t.token_hash = $1 and t.revoked_at is null
              and (t.expires_at is null or t.expires_at > now())
              and u.disabled_at is null`,
    values: [sha256(token)],
  });
  const record = rows[0];
  if (!record) return null;
  if (!record.last_used_at || Date.now() - record.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await pool.query({ name: "token-touch", text: `update api_tokens set last_used_at = now() where id = $1`, values: [record.id] });
  }
  return { type: "token", id: record.id, name: record.name, role: record.role, via: "bearer", userId: record.created_by_user_id };
}

export function newApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = newSecret(TOKEN_PREFIX);
  return { token, tokenHash: sha256(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}
