// Run events: the audit trail and the feed of live updates. Written in the transaction of the
// change they describe.
// Types and payloads are in event-catalog.ts.
import { valuesList, type Sql } from "./tx.ts";
import type { NewEvent } from "./event-catalog.ts";

export type RunEventInput = NewEvent;

export async function insertEvents(sql: Sql, events: RunEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const { text, values } = valuesList(
    events.map((e) => [e.runId, e.stepRunId ?? null, e.nodeId ?? null, e.type, e.actor, JSON.stringify(e.data ?? {})]),
    ["uuid", "uuid", "text", "text", "text", "jsonb"],
  );
  await sql.query(`insert into run_events (run_id, step_run_id, node_id, type, actor, data) values ${text}`, values);
}
