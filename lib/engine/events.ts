// Run events: the audit trail and the feed of live updates. Written in the transaction of the
// change they describe.
import { valuesList, type Sql } from "./tx.ts";

export interface RunEventInput {
  runId: string;
  type: string;
  actor: string;
  stepRunId?: string | null;
  nodeId?: string | null;
  data?: Record<string, unknown>;
}

export async function insertEvents(sql: Sql, events: RunEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const { text, values } = valuesList(
    events.map((e) => [e.runId, e.stepRunId ?? null, e.nodeId ?? null, e.type, e.actor, JSON.stringify(e.data ?? {})]),
    ["uuid", "uuid", "text", "text", "text", "jsonb"],
  );
  await sql.query(`insert into run_events (run_id, step_run_id, node_id, type, actor, data) values ${text}`, values);
}
