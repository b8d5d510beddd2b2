// Cancelling a run's open steps (the run failed, was cancelled, or timed out): the steps, their
// attempts and events, their jobs still in the queue, and a NOTIFY baton_cancel that makes the
// workers running one of them abort it (their late results are fenced out).
import { cancelRequestsOf } from "../approvals/chain.ts";
import type { EngineDeps } from "./deps.ts";
import { insertEvents } from "./events.ts";
import type { StopReason } from "./event-catalog.ts";
import { cancelJobs } from "./jobs.ts";
import { lockRun, type LockedRun } from "./run-lock.ts";
import { setRunStatus } from "./run-status.ts";
import { activeRunStatuses, isActiveRun, openStepStatuses, stepFrom } from "./states.ts";
import type { Sql } from "./tx.ts";

/** Cancels the run's open steps (`only` these, when given: a for-each's items). */
export async function cancelOpenSteps(sql: Sql, deps: EngineDeps, run: LockedRun, reason: StopReason, actor: string, only?: string[]): Promise<string[]> {
  const { rows } = await sql.query({
    name: "cancel-open-steps",
    text: `with cancelled as (
             update step_runs s set status = 'cancelled', reason = $2, finished_at = clock_timestamp(), heartbeat_at = null, wait_until = null, updated_at = now()
               from step_runs before
              where s.run_id = $1 and s.status = any($3::step_status[]) and before.id = s.id and ($4::uuid[] is null or s.id = any($4::uuid[]))
              returning s.id, s.node_id, s.attempt, before.status as was
           ), attempts as (
             update step_attempts a set status = 'cancelled', finished_at = clock_timestamp()
               from cancelled c where a.step_run_id = c.id and a.attempt = c.attempt and a.status in ('running', 'waiting')
           )
           select * from cancelled`,
    values: [run.id, reason, stepFrom("cancelled", openStepStatuses), only ?? null],
  });
  if (rows.length === 0) return [];
  await insertEvents(
    sql,
    rows.map((r) => ({ runId: run.id, stepRunId: r.id, nodeId: r.node_id, type: "step.cancelled", actor, data: { reason, attempt: r.attempt } })),
  );
  // The job of each attempt that has not run yet; a waiting step's is the one that resumes it.
  await cancelJobs(
    deps,
    sql,
    rows.filter((r) => r.was !== "pending" && r.was !== "running").map((r) => ({ stepRunId: r.id, attempt: r.attempt, resume: r.was === "waiting" })),
  );
  // What a waiting step waited for from outside closes with it (an approval request).
  const reasons: Record<string, string> = { run_cancelled: "the run was cancelled", run_failed: "the run failed", run_timed_out: "the run timed out", parent_stopped: "the parent run stopped", for_each_stopped: "its for-each step stopped" };
  await cancelRequestsOf(sql, rows.filter((r) => r.was === "waiting").map((r) => r.id), reasons[reason] ?? reason, actor);
  // Every step that may have a worker on it: `was` is read from this statement's snapshot, and a
  // claim committed meanwhile makes a queued step running without it showing here.
  await cancelChildRuns(sql, deps, rows.filter((r) => r.was === "waiting").map((r) => r.id), actor);
  const started = rows.filter((r) => r.was !== "pending").map((r) => r.id);
  if (started.length) await sql.query(`select pg_notify('baton_cancel', $1)`, [JSON.stringify(started)]);
  return rows.map((r) => r.id);
}

/** Sub-workflows: the child runs these steps waited for stop with them (and theirs with them).
 * Locks go parent first, then child, as everywhere else that both are taken. */
export async function cancelChildRuns(sql: Sql, deps: EngineDeps, stepRunIds: string[], actor: string): Promise<void> {
  if (stepRunIds.length === 0) return;
  const { rows } = await sql.query(`select id from runs where parent_step_run_id = any($1::uuid[]) and status = any($2::run_status[])`, [stepRunIds, activeRunStatuses]);
  for (const { id } of rows) {
    const child = await lockRun(sql, id);
    if (!child || !isActiveRun(child.status)) continue;
    await cancelOpenSteps(sql, deps, child, "parent_stopped", actor);
    await setRunStatus(sql, child, "cancelled", actor);
  }
}
