// Signing secrets that rotate with a grace period: a list of values, each encrypted like a
// credential (bound to its owner by the AAD), the newest first. A rotated-out secret keeps an
// `expiresAt` and still verifies (incoming webhooks) or is still signed with (outgoing callbacks)
// until then. Used by webhook triggers and by workflows' outgoing callbacks.
import { randomBytes } from "node:crypto";
import type { Sql } from "../engine/tx.ts";
import { keyring } from "./credentials.ts";
import { open, seal, type Keyring } from "./keyring.ts";

export interface SealedSecret {
  ciphertext: string;
  nonce: string;
  keyId: string;
  createdAt: string;
  /** Set on a rotated-out secret: valid until then. */
  expiresAt?: string;
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

export function sealSecret(ring: Keyring, context: string, secret: string, createdAt = new Date().toISOString()): SealedSecret {
  const s = seal(ring, secret, context);
  return { ciphertext: s.ciphertext.toString("base64"), nonce: s.nonce.toString("base64"), keyId: s.keyId, createdAt };
}

export const openSecret = (context: string, s: SealedSecret, ring = keyring({ having: s.keyId })) =>
  open(ring, { ciphertext: Buffer.from(s.ciphertext, "base64"), nonce: Buffer.from(s.nonce, "base64"), keyId: s.keyId }, context);

const live = (list: SealedSecret[], now: number) => list.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now);

/** The values valid now: the current one first, then those rotated out within their grace. */
export function liveSecrets(context: string, list: unknown, now = Date.now()): string[] {
  return live(list as SealedSecret[], now).map((s) => openSecret(context, s));
}

/** A new list with `secret` current and the others expiring `graceMs` from now (or as before). */
export function rotated(context: string, list: unknown, secret: string, graceMs: number, now = Date.now()): SealedSecret[] {
  const kept = live(list as SealedSecret[], now)
    .map((s) => (s.expiresAt ? s : { ...s, expiresAt: new Date(now + graceMs).toISOString() }))
    .filter((s) => Date.parse(s.expiresAt!) > now);
  return [sealSecret(keyring({ fresh: true }), context, secret), ...kept];
}

/** What a page may show: when the current secret was set, until when the previous one is valid. */
export function secretsSummary(list: unknown, now = Date.now()) {
  const secrets = list as SealedSecret[];
  return {
    secretSetAt: secrets.find((s) => !s.expiresAt)?.createdAt ?? null,
    previousSecretValidUntil: live(secrets, now).find((s) => s.expiresAt)?.expiresAt ?? null,
  };
}

/** The list re-encrypted under the ring's current key, or null when it already is. */
export function reencrypted(context: string, list: unknown, ring: Keyring): SealedSecret[] | null {
  const secrets = list as SealedSecret[];
  if (secrets.every((s) => s.keyId === ring.currentId)) return null;
  return secrets.map((s) => (s.keyId === ring.currentId ? s : { ...sealSecret(ring, context, openSecret(context, s, ring), s.createdAt), ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}) }));
}

/** Re-encrypts every row's list in `table.column` under the ring's current key (npm run
 * secrets:rotate); returns how many rows changed. */
export async function reencryptLists(sql: Sql, table: "triggers" | "workflows", column: "secrets" | "signing_secrets", context: (id: string) => string, ring: Keyring): Promise<number> {
  const { rows } = await sql.query(`select id, ${column} as list from ${table} where jsonb_array_length(${column}) > 0`);
  let changed = 0;
  for (const r of rows) {
    const next = reencrypted(context(r.id), r.list, ring);
    if (!next) continue;
    await sql.query(`update ${table} set ${column} = $2 where id = $1`, [r.id, JSON.stringify(next)]);
    changed++;
  }
  return changed;
}
