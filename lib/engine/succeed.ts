// "A step succeeded": the one path, for every caller. An attempt that ran (running), a wait
// that ended (waiting: its timer fired, or it was resumed from outside), a pure step that ran
// straight from the queue (queued, its start recorded here): each is fenced on (step, attempt,
// status) and on its run being active (or compensating), so a late or duplicate report changes nothing. A batch
// (possibly of many runs) is one transaction: lock the runs in id order, one statement for the
// steps, their attempt rows and events, the log lines, then hand off (advance.ts).
import type { EngineDeps } from "./deps.ts";
import { handOff, type Completed } from "./advance.ts";
import { inputJson, writeLogs, type Outcome, type Report } from "./attempts.ts";
import { lockRuns } from "./run-lock.ts";
import { isFinishedRun, stepsMayRun } from "./states.ts";
import { reportChildProgress } from "./progress.ts";
import { bodyStepsEnded } from "./for-each.ts";
import { transaction, type Sql } from "./tx.ts";
import { loadVersion } from "./versions.ts";

export interface Success {
  runId: string;
  stepRunId: string;
  attempt: number;
  /** The step's status now: running (claimed), waiting (its wait ended), or queued (a pure step). */
  from: "running" | "waiting" | "queued";
  /** Undefined keeps what the row holds (a wait's output). */
  output?: unknown;
  branch?: string;
  report: Report;
  /** For a pure step: who ran it and since when. */
  started?: { workerId: string; at: Date };
  actor: string;
  /** Added to the step.succeeded event (e.g. who resumed a wait). */
  note?: { resumedBy?: string };
}

const CHILD_PROGRESS_ACTOR = "system:subworkflows";

const SUCCEED = `
  with item as (
    select * from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::text[])
      as i(step_id, attempt, output, branch, input, from_status, worker_id, started_at, actor, resumed_by)
  ), done as (
    update step_runs s set status = 'succeeded', output = coalesce(i.output::jsonb, s.output), branch = i.branch, input = coalesce(i.input::jsonb, s.input),
           finished_at = clock_timestamp(), heartbeat_at = null, wait_until = null, next_attempt_at = null, updated_at = now(),
           worker_id = coalesce(i.worker_id, s.worker_id), started_at = coalesce(i.started_at, s.started_at),
           error = case when i.started_at is null then s.error end
      from item i
     where s.id = i.step_id and s.attempt = i.attempt
       and (s.status::text = i.from_status or (i.from_status = 'queued' and s.status = 'retry_scheduled'))
    returning s.id, s.run_id, s.node_id, s.iteration, case when s.iteration > 0 then s.output end as item_output, s.started_at, s.finished_at, i.attempt, i.worker_id, i.branch, i.started_at as pure_start, i.from_status, i.actor, i.resumed_by
  ), attempt_done as (
    update step_attempts a set status = 'succeeded', finished_at = clock_timestamp()
      from done d where a.step_run_id = d.id and a.attempt = d.attempt and d.pure_start is null
  ), attempt_new as (
    insert into step_attempts (step_run_id, attempt, status, worker_id, started_at, finished_at)
    select id, attempt, 'succeeded', worker_id, started_at, finished_at from done where pure_start is not null
  ), events as (
    -- A pure step's start is in its success event (startedAt, workerId), not an event of its own.
    insert into run_events (run_id, step_run_id, node_id, type, actor, data, at)
    select d.run_id, d.id, d.node_id, 'step.succeeded', d.actor,
           jsonb_strip_nulls(jsonb_build_object('attempt', d.attempt, 'branch', d.branch,
             'resumed', case when d.from_status = 'waiting' then true end, 'resumedBy', d.resumed_by,
             'startedAt', case when d.pure_start is not null then d.started_at end, 'workerId', d.worker_id,
             'durationMs', round(extract(epoch from d.finished_at - d.started_at) * 1000))), d.finished_at
      from done d
  )
  select id, run_id, node_id, iteration, item_output from done`;

/** Applies the successes in the caller's transaction; for each, whether it applied. */
export async function succeedInTransaction(sql: Sql, deps: EngineDeps, items: Success[]): Promise<boolean[]> {
  if (items.length === 0) return [];
  const runs = await lockRuns(sql, items.map((i) => i.runId));
  const live = items.filter((i) => stepsMayRun(runs.get(i.runId)?.status ?? "cancelled"));
  const { rows } = live.length
    ? await sql.query({
        name: "succeed-steps",
        text: SUCCEED,
        values: [
          live.map((i) => i.stepRunId),
          live.map((i) => i.attempt),
          live.map((i) => (i.output === undefined ? null : JSON.stringify(i.output ?? null))),
          live.map((i) => i.branch ?? null),
          live.map((i) => inputJson(i.report)),
          live.map((i) => i.from),
          live.map((i) => i.started?.workerId ?? null),
          live.map((i) => i.started?.at ?? null),
          live.map((i) => i.actor),
          live.map((i) => i.note?.resumedBy ?? null),
        ],
      })
    : { rows: [] };
  const done = new Set(rows.map((r) => r.id as string));
  const applied = items.filter((i) => done.has(i.stepRunId));
  await writeLogs(sql, applied.map((i) => ({ stepRunId: i.stepRunId, attempt: i.attempt, logs: i.report.logs })));

  // A for-each body's pass: its item is done; the for-each goes on (or ends), not the flow.
  const passes = rows.filter((r) => r.iteration > 0);
  for (const runId of new Set(passes.map((r) => r.run_id as string))) {
    const ended = passes.filter((r) => r.run_id === runId);
    await bodyStepsEnded(sql, deps, runId, ended.map((r) => ({ bodyId: r.id, succeeded: true, output: r.item_output })), applied.find((i) => i.stepRunId === ended[0].id)!.actor);
  }
  const byRun = new Map<string, Completed>();
  for (const r of rows) {
    if (r.iteration > 0) continue;
    const run = runs.get(r.run_id)!;
    const entry = byRun.get(run.id) ?? { run, version: await loadVersion(sql, run.versionId), nodeIds: [], actor: applied.find((i) => i.runId === run.id)!.actor };
    entry.nodeIds.push(r.node_id);
    byRun.set(run.id, entry);
  }
  await handOff(sql, deps, [...byRun.values()]);
  await reportChildProgress(sql, [...byRun.values()].filter((c) => !isFinishedRun(c.run.status)), CHILD_PROGRESS_ACTOR);
  return items.map((i) => done.has(i.stepRunId));
}

/** The successes in one transaction of their own. */
export async function succeed(deps: EngineDeps, items: Success[]): Promise<Outcome[]> {
  const queued = new Set<string>();
  const applied = await transaction(deps.pool, (tx) => succeedInTransaction(tx, { ...deps, onQueued: (q) => queued.add(q) }, items));
  if (queued.size) deps.localJobs?.(queued);
  return applied.map((a) => (a ? "applied" : "stale"));
}
