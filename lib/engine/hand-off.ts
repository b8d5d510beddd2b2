// The hot path: a step succeeds and the nodes that wait for it alone become queued. Because
// the published graph says which nodes those are, the whole change is one statement (lock the
// run, fence and complete the step, record the attempt, create the successors, write the events,
// mark the run running, NOTIFY the workers), followed by sending the jobs in the same
// transaction. The general path (joins, branches, ends) is advance() in advance.ts.
import { enqueue, type QueueDeps } from "./jobs.ts";
import { retryPolicy } from "./retry.ts";
import { stepFrom } from "./states.ts";
import type { Sql } from "./tx.ts";
import type { CompiledVersion } from "./versions.ts";

export interface HandOff {
  runId: string;
  stepRunId: string;
  attempt: number;
  /** The step's status now: running (claimed), waiting (timer fired), or queued (a pure step). */
  from: "running" | "waiting" | "queued";
  output: string | null;
  input: string | null;
  actor: string;
  successors: string[];
  /** For a pure step: who ran it and since when. */
  workerId?: string;
  startedAt?: Date;
}

const SUCCEED_AND_HAND_OFF = `
  with run as (
    select id, status from runs where id = $1 for update
  ), done as (
    update step_runs set status = 'succeeded', output = coalesce($4::jsonb, output), input = coalesce($5::jsonb, input),
           finished_at = clock_timestamp(), heartbeat_at = null, wait_until = null, next_attempt_at = null, updated_at = now(),
           worker_id = coalesce($11, worker_id), started_at = coalesce($12, started_at), error = case when $12 is null then error end
     where id = $2 and attempt = $3 and status = any($7::step_status[])
       and exists (select 1 from run where status in ('queued', 'running', 'waiting'))
     returning id, run_id, node_id, started_at, finished_at
  ), attempt_done as (
    update step_attempts set status = 'succeeded', finished_at = clock_timestamp()
     where step_run_id = $2 and attempt = $3 and $12::timestamptz is null and exists (select 1 from done)
  ), attempt_new as (
    insert into step_attempts (step_run_id, attempt, status, worker_id, started_at, finished_at)
    select id, $3, 'succeeded', $11, started_at, finished_at from done where $12::timestamptz is not null
  ), created as (
    insert into step_runs (run_id, node_id, type, status, attempt, max_attempts, queued_at)
    select d.run_id, n.node_id, n.type, 'queued', 1, n.max_attempts, clock_timestamp()
      from done d, unnest($8::text[], $9::text[], $10::int[]) as n(node_id, type, max_attempts)
    on conflict (run_id, node_id, iteration) do nothing
    returning id, node_id
  ), run_update as (
    update runs set status = 'running', started_at = coalesce(started_at, clock_timestamp()), updated_at = now()
     where id = $1 and status in ('queued', 'waiting') and exists (select 1 from done)
    returning id
  ), events as (
    -- A pure step's start is in its success event (startedAt, workerId), not an event of its own.
    insert into run_events (run_id, step_run_id, node_id, type, actor, data, at)
    select d.run_id, d.id, d.node_id, 'step.succeeded', $6,
           jsonb_strip_nulls(jsonb_build_object('attempt', $3::int, 'resumed', case when $13 then true end,
             'startedAt', case when $12::timestamptz is not null then d.started_at end, 'workerId', $11::text,
             'durationMs', round(extract(epoch from d.finished_at - d.started_at) * 1000))), d.finished_at
      from done d
    union all
    select $1, c.id, c.node_id, 'step.queued', $6, '{"attempt": 1}'::jsonb, clock_timestamp() from created c
    union all
    select $1, null, null, case (select status from run) when 'queued' then 'run.started' else 'run.resumed' end, $6, '{}'::jsonb, clock_timestamp()
      from run_update
  )
  select d.node_id,
         coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'nodeId', c.node_id)) from created c), '[]'::jsonb) as created,
         (select count(pg_notify('baton_jobs', '')) from created) as notified
    from done d`;

/** Returns false when the step moved on (fenced) or the run is no longer active. */
export async function succeedAndHandOff(sql: Sql, deps: QueueDeps, version: CompiledVersion, h: HandOff): Promise<boolean> {
  const from = h.from === "queued" ? stepFrom("running", ["queued", "retry_scheduled"]) : [h.from];
  const { rows } = await sql.query({
    name: "succeed-and-hand-off",
    text: SUCCEED_AND_HAND_OFF,
    values: [
      h.runId,
      h.stepRunId,
      h.attempt,
      h.output,
      h.input,
      h.actor,
      from,
      h.successors,
      h.successors.map((id) => version.node(id).type),
      h.successors.map((id) => retryPolicy(version.node(id).retry).maxAttempts),
      h.workerId ?? null,
      h.startedAt ?? null,
      h.from === "waiting",
    ],
  });
  if (!rows[0]) return false;
  const created = rows[0].created as { id: string; nodeId: string }[];
  // The jobs go out in the same transaction; NOTIFY was queued by the statement above.
  const jobs = created.map((c) => ({ runId: h.runId, stepRunId: c.id, attempt: 1, ...(version.isPure(c.nodeId) ? { pure: true } : {}) }));
  await enqueue(deps, sql, jobs, { notify: false });
  return true;
}
