// Delivering events, in workers. Each queued event (event_outbox) is taken by one worker (SKIP
// LOCKED) and handed to
// - the event triggers on its type whose filter it passes: each starts a run, with the idempotency
//   key `event:<trigger>:<seq>`, so a delivery repeated after a crash starts nothing new;
// - the Wait-for-event steps waiting for it: one indexed lookup per path the waits on its type
//   compare (event_waits), each match resumed through the engine's resumeWait, fenced.
// Then its outbox row is deleted; a failure leaves it for a retry with backoff. New waits are
// checked against the events that arrived before them (within their look-back), which also closes
// the race of an event delivered while its wait was being recorded.
import { ApiError } from "../api/errors.ts";
import type { EngineDeps } from "../engine/deps.ts";
import { NonRetryableError } from "../engine/errors.ts";
import { backoffDelay, type RetryPolicy } from "../engine/retry.ts";
import { startRun } from "../engine/start-run.ts";
import { transaction, type Sql } from "../engine/tx.ts";
import { resumeWaitInTransaction } from "../engine/wait.ts";
import { expressionPool } from "../expressions/pool.ts";
import type { RunContext } from "../workflow/templates.ts";
import { defaultInputs, eventTriggerConfig, triggerActor } from "../triggers/schemas.ts";

const POLICY: RetryPolicy = { maxAttempts: 1000, initialDelayMs: 1_000, multiplier: 2, maxDelayMs: 5 * 60_000, jitter: "full" };

/** An event as triggers' filters, input templates and waiting steps see it. */
export interface EventDoc {
  seq: string;
  type: string;
  id: string;
  version: string;
  data: unknown;
  correlationId: string | null;
  occurredAt: string;
  receivedAt: string;
}

const EVENT_COLUMNS = `seq::text, type, event_id, type_version, data, correlation_id, occurred_at, received_at`;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of EVENT_COLUMNS
const toDoc = (r: any): EventDoc => ({
  seq: r.seq,
  type: r.type,
  id: r.event_id,
  version: r.type_version,
  data: r.data,
  correlationId: r.correlation_id,
  occurredAt: new Date(r.occurred_at).toISOString(),
  receivedAt: new Date(r.received_at).toISOString(),
});

/** `data.orderId` → ['data', 'orderId'], the path as Postgres's #> takes it. */
export const pathArray = (path: string) => path.split(".");
/** The same document in SQL, so a wait's path can be read from stored events. */
const SQL_DOC = `jsonb_build_object('id', e.event_id, 'correlationId', e.correlation_id, 'data', e.data)`;

function valueAt(doc: EventDoc, path: string): unknown {
  let value: unknown = doc;
  for (const key of pathArray(path)) value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Delivers queued events; returns how many it handled. */
export async function dispatchDueEvents(deps: EngineDeps, limit = 20): Promise<number> {
  const { rows } = await deps.pool.query(
    `update event_outbox o set attempts = o.attempts + 1, next_attempt_at = now() + interval '2 minutes'
      where o.seq in (select seq from event_outbox where next_attempt_at <= now() order by seq for update skip locked limit $1)
      returning o.seq::text, o.attempts`,
    [limit],
  );
  for (const due of rows) {
    try {
      await deliver(deps, due.seq);
      await deps.pool.query(`delete from event_outbox where seq = $1`, [due.seq]);
    } catch (error) {
      await deps.pool.query(`update event_outbox set last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where seq = $1`, [
        due.seq,
        (error as Error).message.slice(0, 1000),
        backoffDelay(POLICY, due.attempts) / 1000,
      ]);
    }
  }
  return rows.length;
}

async function deliver(deps: EngineDeps, seq: string) {
  const { rows } = await deps.pool.query(`select ${EVENT_COLUMNS} from events where seq = $1`, [seq]);
  if (!rows[0]) return;
  const event = toDoc(rows[0]);
  await startTriggered(deps, event);
  const { rows: paths } = await deps.pool.query(`select distinct path from event_waits where event_type = $1`, [event.type]);
  for (const { path } of paths) {
    const value = valueAt(event, path);
    if (value === undefined) continue;
    const { rows: waiters } = await deps.pool.query(`select step_run_id, run_id, attempt from event_waits where event_type = $1 and path = $2 and key = $3::jsonb`, [event.type, path, JSON.stringify(value)]);
    for (const w of waiters) await resumeWaiter(deps, { stepRunId: w.step_run_id, runId: w.run_id, attempt: w.attempt }, event);
  }
}

async function startTriggered(deps: EngineDeps, event: EventDoc) {
  const { rows: triggers } = await deps.pool.query(
    `select id, workflow_id, name, config, input, pinned_version from triggers where kind = 'event' and not paused and deleted_at is null and config->>'eventType' = $1`,
    [event.type],
  );
  for (const t of triggers) {
    const config = eventTriggerConfig.parse(t.config);
    const context = { event, trigger: { id: t.id, name: t.name, kind: "event" } } as unknown as RunContext;
    try {
      if (config.filter?.trim() && !(await expressionPool().evaluate(config.filter, context, "filter"))) continue;
      const input = await expressionPool().resolve(t.input ?? defaultInputs.event, context);
      const run = await startRun(deps, {
        workflowId: t.workflow_id,
        ...(t.pinned_version ? { version: t.pinned_version } : {}),
        input,
        idempotencyKey: `event:${t.id}:${event.seq}`,
        ...(event.correlationId ? { correlationId: event.correlationId } : {}),
        trigger: { id: t.id, kind: "event", name: t.name },
        actor: triggerActor(t),
      });
      if (!run.existing) await deps.pool.query(`insert into event_deliveries (event_seq, kind, trigger_id, run_id) values ($1, 'trigger', $2, $3)`, [event.seq, t.id, run.id]);
    } catch (error) {
      // This trigger cannot start a run for this event (no published version, an input the
      // workflow refuses, a failing filter): trying again will not help; the others still get it.
      if (!(error instanceof ApiError || error instanceof NonRetryableError)) throw error;
      await deps.pool.query(`insert into event_deliveries (event_seq, kind, trigger_id, error) values ($1, 'trigger', $2, $3)`, [event.seq, t.id, error.message.slice(0, 1000)]);
    }
  }
}

/** Ends a wait with the event, recording the delivery with it; a wait that already ended is dropped. */
async function resumeWaiter(deps: EngineDeps, step: { stepRunId: string; runId: string; attempt: number }, event: EventDoc) {
  await transaction(deps.pool, async (tx) => {
    const outcome = await resumeWaitInTransaction(tx, deps, step, { output: { event }, branch: "default" }, `event:${event.type}/${event.id}`);
    await tx.query(`delete from event_waits where step_run_id = $1`, [step.stepRunId]);
    if (outcome === "applied") {
      const { rows } = await tx.query(`select node_id from step_runs where id = $1`, [step.stepRunId]);
      await tx.query(`insert into event_deliveries (event_seq, kind, run_id, node_id) values ($1, 'wait', $2, $3)`, [event.seq, step.runId, rows[0]?.node_id ?? null]);
    }
  });
}

/** Records a waiting step's wait (in the engine's wait transaction) and wakes a worker to check it
 * against events already received. */
export async function recordEventWait(tx: Sql, wait: { runId: string; stepRunId: string; attempt: number; eventType: string; path: string; key: unknown; since: Date }) {
  await tx.query(
    `insert into event_waits (step_run_id, run_id, attempt, event_type, path, key, since) values ($1, $2, $3, $4, $5, $6::jsonb, $7)
     on conflict (step_run_id) do update set attempt = excluded.attempt, key = excluded.key, path = excluded.path, since = excluded.since, checked = false`,
    [wait.stepRunId, wait.runId, wait.attempt, wait.eventType, wait.path, JSON.stringify(wait.key), wait.since],
  );
  await tx.query(`select pg_notify('baton_events', 'wait')`);
}

/** Checks new waits against the events already in the log (since their look-back start); returns how many it checked. */
export async function checkNewWaits(deps: EngineDeps, limit = 100): Promise<number> {
  const { rows } = await deps.pool.query(
    `update event_waits w set checked = true where w.step_run_id in (select step_run_id from event_waits where not checked order by created_at for update skip locked limit $1)
      returning step_run_id, run_id, attempt, event_type, path, key, since`,
    [limit],
  );
  for (const w of rows) {
    const { rows: found } = await deps.pool.query(
      `select ${EVENT_COLUMNS} from events e where e.type = $1 and e.received_at >= $2 and (${SQL_DOC} #> $3::text[]) = $4::jsonb order by e.seq limit 1`,
      [w.event_type, w.since, pathArray(w.path), JSON.stringify(w.key)],
    );
    if (found[0]) await resumeWaiter(deps, { stepRunId: w.step_run_id, runId: w.run_id, attempt: w.attempt }, toDoc(found[0]));
  }
  return rows.length;
}

/** Drops the waits whose step no longer waits on that attempt (timed out, cancelled). */
export async function pruneEndedWaits(sql: Sql): Promise<number> {
  const { rowCount } = await sql.query(
    `delete from event_waits w where w.created_at < now() - interval '1 minute'
        and not exists (select 1 from step_runs s where s.id = w.step_run_id and s.status = 'waiting' and s.attempt = w.attempt)`,
  );
  return rowCount ?? 0;
}
