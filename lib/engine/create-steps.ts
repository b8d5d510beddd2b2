// Creating step rows (of any runs) as queued or skipped, with their events, NOTIFY and jobs, in
// one statement: used by the forward plan (advance.ts), by compensation and by for-each bodies.
import { retryPolicy } from "./retry.ts";
import { enqueue, jobsNotice } from "./jobs.ts";
import type { EngineDeps } from "./deps.ts";
import type { LockedRun } from "./run-lock.ts";
import type { StepStatus } from "./states.ts";
import type { Sql } from "./tx.ts";
import type { CompiledVersion } from "./versions.ts";

export interface NewStep {
  run: LockedRun;
  version: CompiledVersion;
  nodeId: string;
  status: "queued" | "skipped";
  actor: string;
  /** Why it was queued, in its step.queued event (a compensation: which step it undoes). */
  reason?: string;
  /** A for-each body's pass: its item's index + 1 (0, the default, for every other step). */
  iteration?: number;
}

/** Inserts queued and skipped steps (of any runs) with their events and NOTIFY in one statement, then sends the jobs. */
export async function createSteps(sql: Sql, deps: EngineDeps, steps: NewStep[]) {
  if (steps.length === 0) return [];
  const { rows } = await sql.query({
    name: "create-steps",
    text: `with created as (
             insert into step_runs (run_id, node_id, iteration, type, status, attempt, max_attempts, reason, queued_at, finished_at)
             select n.run_id, n.node_id, n.iteration, n.type, n.status, n.attempt, n.max_attempts,
                    case when n.status = 'skipped' then 'branch' end,
                    case when n.status = 'queued' then clock_timestamp() end,
                    case when n.status = 'skipped' then clock_timestamp() end
               from unnest($1::uuid[], $2::text[], $3::text[], $4::step_status[], $5::int[], $6::int[], $11::int[]) as n(run_id, node_id, type, status, attempt, max_attempts, iteration)
             on conflict (run_id, node_id, iteration) do nothing
             returning id, run_id, node_id, iteration, status
           ), events as (
             insert into run_events (run_id, step_run_id, node_id, type, actor, data)
             select c.run_id, c.id, c.node_id, case when c.status = 'queued' then 'step.queued' else 'step.skipped' end, a.actor,
                    case when c.status = 'queued' then jsonb_strip_nulls(jsonb_build_object('attempt', 1, 'reason', a.reason)) else '{"reason": "branch"}'::jsonb end
               from created c join unnest($1::uuid[], $2::text[], $7::text[], $10::text[], $11::int[]) as a(run_id, node_id, actor, reason, iteration)
                 on a.run_id = c.run_id and a.node_id = c.node_id and a.iteration = c.iteration
           )
           select c.id, c.run_id, c.node_id, c.iteration, c.status,
                  (select count(pg_notify('baton_jobs', $9)) from created where status = 'queued' and $8) as notified
             from created c`,
    values: [
      steps.map((s) => s.run.id),
      steps.map((s) => s.nodeId),
      steps.map((s) => s.version.node(s.nodeId).type),
      steps.map((s) => s.status),
      steps.map((s) => (s.status === "queued" ? 1 : 0)),
      steps.map((s) => (s.status === "queued" ? retryPolicy(s.version.node(s.nodeId).retry).maxAttempts : 0)),
      steps.map((s) => s.actor),
      // succeed() tells the worker's own loops after commit instead (EngineDeps.localJobs).
      !(deps.localJobs && deps.onQueued),
      jobsNotice(steps.filter((s) => s.status === "queued").map((s) => s.version.isPure(s.nodeId))),
      steps.map((s) => s.reason ?? null),
      steps.map((s) => s.iteration ?? 0),
    ],
  });
  const versionOf = new Map(steps.map((s) => [s.run.id, s.version]));
  const created = rows.map((r) => ({ id: r.id as string, runId: r.run_id as string, nodeId: r.node_id as string, iteration: r.iteration as number, status: r.status as StepStatus }));
  await enqueue(
    deps,
    sql,
    created
      .filter((s) => s.status === "queued")
      .map((s) => ({ runId: s.runId, stepRunId: s.id, attempt: 1, ...(versionOf.get(s.runId)!.isPure(s.nodeId) ? { pure: true } : {}) })),
    { notify: false }, // NOTIFY went with the statement above (or the worker fetches them itself)
  );
  return created;
}
