// Reading the event log: newest first, searched by type, event id or correlation id; one event
// with what it caused (runs its triggers started, waiting steps it resumed).
import type { z } from "zod";
import { notFound } from "../api/errors.ts";
import { pool as defaultPool } from "../db.ts";
import type { listEventsQuery } from "./schemas.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of the events table
const present = (r: any) => ({
  seq: r.seq as string,
  type: r.type as string,
  id: r.event_id as string,
  version: r.type_version as string,
  data: r.data as unknown,
  correlationId: r.correlation_id as string | null,
  occurredAt: r.occurred_at as Date,
  receivedAt: r.received_at as Date,
  publishedBy: r.published_by as string,
  deliveries: Number(r.deliveries ?? 0),
});

const COLUMNS = `e.seq::text, e.type, e.event_id, e.type_version, e.data, e.correlation_id, e.occurred_at, e.received_at, e.published_by,
  (select count(*) from event_deliveries d where d.event_seq = e.seq and d.run_id is not null) as deliveries`;

export async function listEvents(query: z.infer<typeof listEventsQuery>, pool = defaultPool()) {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  if (query.type) where.push(`e.type = ${param(query.type)}`);
  if (query.id) where.push(`e.event_id = ${param(query.id)}`);
  if (query.correlationId) where.push(`e.correlation_id = ${param(query.correlationId)}`);
  if (query.before) where.push(`e.seq < ${param(query.before.toString())}::bigint`);
  const { rows } = await pool.query(`select ${COLUMNS} from events e ${where.length ? `where ${where.join(" and ")}` : ""} order by e.seq desc limit ${param(query.limit + 1)}`, values);
  const page = rows.slice(0, query.limit).map(present);
  return { events: page, nextBefore: rows.length > query.limit ? page.at(-1)!.seq : null };
}

export async function getEvent(seq: string, pool = defaultPool()) {
  if (!/^\d{1,18}$/.test(seq)) throw notFound(`Event ${seq}`);
  const { rows } = await pool.query(`select ${COLUMNS} from events e where e.seq = $1`, [seq]);
  if (!rows[0]) throw notFound(`Event ${seq}`);
  const { rows: deliveries } = await pool.query(
    `select d.kind, d.trigger_id, t.name as trigger_name, d.run_id, d.node_id, d.error, d.at, w.name as workflow_name
       from event_deliveries d left join runs r on r.id = d.run_id left join triggers t on t.id = d.trigger_id
       left join workflows w on w.id = coalesce(r.workflow_id, t.workflow_id)
      where d.event_seq = $1 order by d.id`,
    [seq],
  );
  const { rows: pending } = await pool.query(`select attempts, last_error from event_outbox where seq = $1`, [seq]);
  return {
    ...present(rows[0]),
    delivered: !pending[0],
    deliveryError: (pending[0]?.last_error as string | undefined) ?? null,
    causes: deliveries.map((d) => ({
      kind: d.kind as "trigger" | "wait",
      triggerId: d.trigger_id as string | null,
      triggerName: d.trigger_name as string | null,
      runId: d.run_id as string | null,
      nodeId: d.node_id as string | null,
      /** Why the trigger started no run. */
      error: d.error as string | null,
      workflowName: d.workflow_name as string,
      at: d.at as Date,
    })),
  };
}
