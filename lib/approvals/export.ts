// The inbox's CSV export: one row per transition (decision row) of the requests, with the hashes
// that let an auditor check the chain outside Baton.
import type { Sql } from "../engine/tx.ts";

const COLUMNS = ["request_id", "workflow", "run_id", "step", "title", "state", "seq", "at", "actor", "role", "decision", "from_state", "to_state", "comment", "data_hash", "prev_hash", "hash"];

/** One CSV field (RFC 4180). A text starting like a formula is prefixed with ' so that a
 * spreadsheet shows it rather than running it (CSV injection through a comment or a title). */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function exportApprovalsCsv(sql: Sql, query: { status: "open" | "decided" | "all"; workflowId?: string }): Promise<string> {
  const { rows } = await sql.query(
    `select a.id as request_id, w.name as workflow, a.run_id, a.node_id as step, a.title, a.state, d.seq, d.at, d.actor, d.role, d.decision, d.from_state, d.to_state,
            d.comment, d.data_hash, d.prev_hash, d.hash
       from approval_requests a join workflows w on w.id = a.workflow_id join approval_decisions d on d.request_id = a.id
      where ($1 = 'all' or ($1 = 'open') = (a.closed_at is null)) and ($2::uuid is null or a.workflow_id = $2)
      order by a.created_at desc, a.id, d.seq
      limit 100000`,
    [query.status, query.workflowId ?? null],
  );
  return [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(","))].join("\r\n") + "\r\n";
}
