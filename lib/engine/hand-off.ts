// The hot path: steps succeed and the nodes that wait for them alone become queued. The
// published graph says which nodes those are, so a whole batch of such hand-offs (possibly of
// many runs) is one transaction of four statements: lock the runs (in id order, so concurrent
// batches cannot deadlock), complete and fence the steps, record the attempts, create the
// successors, write the events, mark the runs running and NOTIFY the workers (one statement),
// then send the successors' jobs. The general path (joins, branches, ends) is advance().
import { enqueue, type QueueDeps } from "./jobs.ts";
import { retryPolicy } from "./retry.ts";
import type { Sql } from "./tx.ts";
import type { CompiledVersion } from "./versions.ts";

export interface HandOff {
  runId: string;
  stepRunId: string;
  attempt: number;
  /** The step's status now: running (claimed), waiting (timer fired), or queued (a pure step). */
  from: "running" | "waiting" | "queued";
  /** JSON text, or null to keep what the row holds. */
  output: string | null;
  input: string | null;
  actor: string;
  version: CompiledVersion;
  successors: string[];
  /** For a pure step: who ran it and since when. */
  workerId?: string;
  startedAt?: Date;
}

const SUCCEED_AND_HAND_OFF = `
  with item as (
    select * from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
      as i(step_id, attempt, output, input, from_status, worker_id, started_at, actor)
  ), done as (
    update step_runs s set status = 'succeeded', output = coalesce(i.output::jsonb, s.output), input = coalesce(i.input::jsonb, s.input),
           finished_at = clock_timestamp(), heartbeat_at = null, wait_until = null, next_attempt_at = null, updated_at = now(),
           worker_id = coalesce(i.worker_id, s.worker_id), started_at = coalesce(i.started_at, s.started_at),
           error = case when i.started_at is null then s.error end
      from item i
     where s.id = i.step_id and s.attempt = i.attempt
       and (s.status::text = i.from_status or (i.from_status = 'queued' and s.status = 'retry_scheduled'))
       and exists (select 1 from runs r where r.id = s.run_id and r.status in ('queued', 'running', 'waiting'))
    returning s.id, s.run_id, s.node_id, s.started_at, s.finished_at, i.attempt, i.worker_id, i.started_at as pure_start, i.from_status, i.actor
  ), attempt_done as (
    update step_attempts a set status = 'succeeded', finished_at = clock_timestamp()
      from done d where a.step_run_id = d.id and a.attempt = d.attempt and d.pure_start is null
  ), attempt_new as (
    insert into step_attempts (step_run_id, attempt, status, worker_id, started_at, finished_at)
    select id, attempt, 'succeeded', worker_id, started_at, finished_at from done where pure_start is not null
  ), successor as (
    select d.run_id, d.actor, n.node_id, n.type, n.max_attempts
      from done d join unnest($9::uuid[], $10::text[], $11::text[], $12::int[]) as n(after, node_id, type, max_attempts) on n.after = d.id
  ), created as (
    insert into step_runs (run_id, node_id, type, status, attempt, max_attempts, queued_at)
    select run_id, node_id, type, 'queued', 1, max_attempts, clock_timestamp() from successor
    on conflict (run_id, node_id, iteration) do nothing
    returning id, run_id, node_id
  ), previous as (
    select id, status from runs where id in (select run_id from done)
  ), run_update as (
    update runs r set status = 'running', started_at = coalesce(r.started_at, clock_timestamp()), updated_at = now()
      from previous p where r.id = p.id and p.status in ('queued', 'waiting')
    returning r.id, p.status as was
  ), events as (
    -- A pure step's start is in its success event (startedAt, workerId), not an event of its own.
    insert into run_events (run_id, step_run_id, node_id, type, actor, data, at)
    select d.run_id, d.id, d.node_id, 'step.succeeded', d.actor,
           jsonb_strip_nulls(jsonb_build_object('attempt', d.attempt, 'resumed', case when d.from_status = 'waiting' then true end,
             'startedAt', case when d.pure_start is not null then d.started_at end, 'workerId', d.worker_id,
             'durationMs', round(extract(epoch from d.finished_at - d.started_at) * 1000))), d.finished_at
      from done d
    union all
    select c.run_id, c.id, c.node_id, 'step.queued', n.actor, '{"attempt": 1}'::jsonb, clock_timestamp()
      from created c join successor n on n.run_id = c.run_id and n.node_id = c.node_id
    union all
    select u.id, null, null, case u.was when 'queued' then 'run.started' else 'run.resumed' end,
           (select d.actor from done d where d.run_id = u.id limit 1), '{}'::jsonb, clock_timestamp()
      from run_update u
  )
  select (select coalesce(jsonb_agg(id), '[]'::jsonb) from done) as done,
         (select coalesce(jsonb_agg(jsonb_build_object('id', id, 'runId', run_id, 'nodeId', node_id)), '[]'::jsonb) from created) as created,
         (select count(pg_notify('baton_jobs', '')) from created) as notified`;

/** Applies the hand-offs in the caller's transaction; true for each one that applied, false
 * for those fenced out (the step moved on) or whose run is no longer active. */
export async function succeedAndHandOff(sql: Sql, deps: QueueDeps, items: HandOff[]): Promise<boolean[]> {
  if (items.length === 0) return [];
  const runIds = [...new Set(items.map((h) => h.runId))].sort();
  await sql.query({ name: "lock-runs", text: `select id from runs where id = any($1::uuid[]) order by id for update`, values: [runIds] });
  const after = items.flatMap((h) => h.successors.map((node) => ({ h, node })));
  const { rows } = await sql.query({
    name: "succeed-and-hand-off",
    text: SUCCEED_AND_HAND_OFF,
    values: [
      items.map((h) => h.stepRunId),
      items.map((h) => h.attempt),
      items.map((h) => h.output),
      items.map((h) => h.input),
      items.map((h) => h.from),
      items.map((h) => h.workerId ?? null),
      items.map((h) => h.startedAt ?? null),
      items.map((h) => h.actor),
      after.map((a) => a.h.stepRunId),
      after.map((a) => a.node),
      after.map((a) => a.h.version.node(a.node).type),
      after.map((a) => retryPolicy(a.h.version.node(a.node).retry).maxAttempts),
    ],
  });
  const done = new Set(rows[0].done as string[]);
  const versionOf = new Map(items.map((h) => [h.runId, h.version]));
  const jobs = (rows[0].created as { id: string; runId: string; nodeId: string }[]).map((c) => ({
    runId: c.runId,
    stepRunId: c.id,
    attempt: 1,
    ...(versionOf.get(c.runId)?.isPure(c.nodeId) ? { pure: true } : {}),
  }));
  // The jobs go out in the same transaction; NOTIFY was queued by the statement above.
  await enqueue(deps, sql, jobs, { notify: false });
  return items.map((h) => done.has(h.stepRunId));
}
