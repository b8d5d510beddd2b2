// Each workflow's secret for signing its result callbacks as Standard Webhooks, so a receiver can
// verify them with any Standard Webhooks library. Made on first use; editors reveal it (audited)
// to configure a receiver, and rotate it: the previous one is signed with too until its grace ends
// (the signature header then lists both).
import type pg from "pg";
import { audit } from "../admin/audit.ts";
import { notFound } from "../api/errors.ts";
import { db as defaultDb, pool as defaultPool, type Db } from "../db.ts";
import type { Sql } from "../engine/tx.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Keyring } from "../secrets/keyring.ts";
import { liveSecrets, newWebhookSecret, reencryptLists, rotated, secretsSummary } from "../secrets/signing-secrets.ts";

const context = (workflowId: string) => `callback-secret:${workflowId}`;

/** The secrets to sign a callback of this workflow with, current first; makes one if there is none. */
export async function callbackSecrets(pool: pg.Pool | Sql, workflowId: string): Promise<string[]> {
  const { rows } = await pool.query(`select signing_secrets from workflows where id = $1`, [workflowId]);
  if (!rows[0]) throw notFound(`Workflow ${workflowId}`);
  const secrets = liveSecrets(context(workflowId), rows[0].signing_secrets);
  if (secrets.length) return secrets;
  // Two deliveries may race to make the first one: the update that finds the list empty wins.
  const fresh = JSON.stringify(rotated(context(workflowId), [], newWebhookSecret(), 0));
  await pool.query(`update workflows set signing_secrets = $2 where id = $1 and jsonb_array_length(signing_secrets) = 0`, [workflowId, fresh]);
  return callbackSecrets(pool, workflowId);
}

/** The current secret, for an editor setting up a receiver. */
export async function revealSigningSecret(workflowId: string, actor: string, db: Db = defaultDb(), sql: pg.Pool = defaultPool()) {
  const [secret] = await callbackSecrets(sql, workflowId);
  await audit(db, { actor, action: "workflow.signing_secret_revealed", targetType: "workflow", targetId: workflowId });
  const { rows } = await sql.query(`select signing_secrets from workflows where id = $1`, [workflowId]);
  return { secret, ...secretsSummary(rows[0].signing_secrets) };
}

export async function rotateSigningSecret(workflowId: string, actor: string, graceMs: number, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    const current = await tx.workflow.findFirst({ where: { id: workflowId, deletedAt: null }, select: { signingSecrets: true } });
    if (!current) throw notFound(`Workflow ${workflowId}`);
    const secret = newWebhookSecret();
    const next = rotated(context(workflowId), current.signingSecrets, secret, graceMs);
    await tx.workflow.update({ where: { id: workflowId }, data: { signingSecrets: next as unknown as Prisma.InputJsonValue } });
    await audit(tx, { actor, action: "workflow.signing_secret_rotated", targetType: "workflow", targetId: workflowId, data: { graceMs } });
    return { secret, ...secretsSummary(next) };
  });
}

/** Re-encrypts every workflow's signing secrets under the ring's current key (npm run secrets:rotate). */
export const reencryptSigningSecrets = (sql: Sql, ring: Keyring) => reencryptLists(sql, "workflows", "signing_secrets", context, ring);
