// A request's history as a hash chain: every transition is one append-only row (a database
// trigger refuses updates and deletes) whose hash covers its content and the previous row's hash,
// so an edited, removed or reordered row no longer verifies.
import { createHash } from "node:crypto";
import { insertEvents } from "../engine/events.ts";
import type { Sql } from "../engine/tx.ts";
import type { Move } from "./states.ts";

export interface DecisionRow {
  seq: number;
  actor: string;
  role: string | null;
  decision: string;
  fromState: string;
  toState: string;
  comment: string | null;
  dataHash: string;
  prevHash: string | null;
  hash: string;
  at: Date;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
export const dataHash = (data: unknown) => sha256(JSON.stringify(data ?? null));

/** What a decision row's hash covers: everything in it but the hash, and the previous hash. */
const rowHash = (r: Omit<DecisionRow, "hash" | "at"> & { requestId: string; at: string }) =>
  sha256(JSON.stringify([r.requestId, r.seq, r.actor, r.role, r.decision, r.fromState, r.toState, r.comment, r.dataHash, r.prevHash, r.at]));

export async function appendDecision(
  tx: Sql,
  requestId: string,
  row: { actor: string; role: string | null; decision: Move | "request"; fromState: string; toState: string; comment: string | null; dataHash: string },
): Promise<void> {
  const { rows } = await tx.query(`select seq, hash from approval_decisions where request_id = $1 order by seq desc limit 1`, [requestId]);
  const seq = (rows[0]?.seq ?? 0) + 1;
  const prevHash: string | null = rows[0]?.hash ?? null;
  const at = new Date().toISOString();
  const hash = rowHash({ requestId, seq, prevHash, at, ...row });
  await tx.query(
    `insert into approval_decisions (request_id, seq, actor, role, decision, from_state, to_state, comment, data_hash, prev_hash, hash, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [requestId, seq, row.actor, row.role, row.decision, row.fromState, row.toState, row.comment, row.dataHash, prevHash, hash, at],
  );
}

export function verifyChain(requestId: string, rows: DecisionRow[]): boolean {
  let prev: string | null = null;
  for (const [i, r] of rows.entries()) {
    if (r.seq !== i + 1 || r.prevHash !== prev) return false;
    if (rowHash({ ...r, requestId, at: r.at.toISOString() }) !== r.hash) return false;
    prev = r.hash;
  }
  return true;
}

export async function decisionsOf(sql: Sql, requestId: string): Promise<DecisionRow[]> {
  const { rows } = await sql.query(
    `select seq, actor, role, decision, from_state, to_state, comment, data_hash, prev_hash, hash, at from approval_decisions where request_id = $1 order by seq`,
    [requestId],
  );
  return rows.map((r) => ({
    seq: r.seq,
    actor: r.actor,
    role: r.role,
    decision: r.decision,
    fromState: r.from_state,
    toState: r.to_state,
    comment: r.comment,
    dataHash: r.data_hash,
    prevHash: r.prev_hash,
    hash: r.hash,
    at: r.at,
  }));
}

/**
 * Closes the open requests of steps that stop waiting without a decision (the run cancelled,
 * failed or timed out, the step skipped), in the caller's transaction under the run's lock.
 */
export async function cancelRequestsOf(tx: Sql, stepRunIds: string[], reason: string, actor: string): Promise<void> {
  if (stepRunIds.length === 0) return;
  const { rows } = await tx.query(
    `update approval_requests a set state = 'cancelled', updated_at = now(), closed_at = now()
       from approval_requests before
      where a.step_run_id = any($1::uuid[]) and a.closed_at is null and before.id = a.id
      returning a.id, a.run_id, a.step_run_id, a.node_id, a.data_hash, before.state as was`,
    [stepRunIds],
  );
  for (const r of rows) {
    await appendDecision(tx, r.id, { actor, role: null, decision: "cancel", fromState: r.was, toState: "cancelled", comment: reason, dataHash: r.data_hash });
  }
  await insertEvents(
    tx,
    rows.map((r) => ({ runId: r.run_id, stepRunId: r.step_run_id, nodeId: r.node_id, type: "approval.cancelled" as const, actor, data: { requestId: r.id, reason } })),
  );
}
