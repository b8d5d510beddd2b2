// Repairs runs whose state and jobs disagree. Run by workers every few seconds (one at a time).
// Each repair is one transaction with its events, under the run's lock, like any other change:
// - a running step whose lease (heartbeat) expired lost its worker: the attempt counts as
//   crashed and the step is retried elsewhere (or fails, when no attempt is left);
// - a run past its deadline fails (or undoes what it did), and its open steps are cancelled;
// - a step waiting for a job that no longer exists (deleted, expired) gets a new job.
import { RetryableError } from "./errors.ts";
import { insertEvents } from "./events.ts";
import { enqueue, stepQueues } from "./jobs.ts";
import { lockRun, lockRuns } from "./run-lock.ts";
import { failRun } from "./compensation.ts";
import { cancelOpenSteps } from "./cancel.ts";
import type { EngineDeps } from "./deps.ts";
import { failStep } from "./fail.ts";
import { activeRunStatuses, compensatingRunStatuses, isActiveRun } from "./states.ts";
import { transaction } from "./tx.ts";
import { loadVersion } from "./versions.ts";
import { stepDefinition } from "../steps/index.ts";

/** A running step not heard from for this long is taken to have lost its worker. */
export const LEASE_MS = 15_000;
/** A queued or due step without a live job for this long gets a new one. */
export const LOST_JOB_MS = 60_000;
const BATCH = 200;
const ACTOR = "system:sweeper";

export interface SweepResult {
  crashed: number;
  timedOut: number;
  resent: number;
}

export async function sweep(deps: EngineDeps): Promise<SweepResult> {
  return { crashed: await recoverCrashed(deps), timedOut: await timeOutRuns(deps), resent: await resendLostJobs(deps) };
}

async function recoverCrashed(deps: EngineDeps): Promise<number> {
  // Only running steps hold a heartbeat (indexed); the status test is for safety.
  const { rows } = await deps.pool.query(
    `select id, run_id, attempt, worker_id, heartbeat_at from step_runs
      where heartbeat_at < now() - make_interval(secs => $1) and status = 'running' limit $2`,
    [LEASE_MS / 1000, BATCH],
  );
  let n = 0;
  for (const r of rows) {
    const error = new RetryableError(`the worker running attempt ${r.attempt} (${r.worker_id}) stopped answering; last heartbeat ${r.heartbeat_at.toISOString()}`, {
      code: "worker_lost",
    });
    if ((await failStep(deps, { runId: r.run_id, stepRunId: r.id, attempt: r.attempt }, error, { logs: [] }, ACTOR, "crashed")) === "applied") n++;
  }
  return n;
}

async function timeOutRuns(deps: EngineDeps): Promise<number> {
  const { rows } = await deps.pool.query(
    `select id from runs where deadline_at < now() and status = any($2::run_status[]) limit $1`,
    [BATCH, activeRunStatuses],
  );
  let n = 0;
  for (const { id } of rows) {
    await transaction(deps.pool, async (tx) => {
      const run = await lockRun(tx, id);
      if (!run || !isActiveRun(run.status)) return;
      await cancelOpenSteps(tx, deps, run, "run_timed_out", ACTOR);
      const version = await loadVersion(tx, run.versionId);
      await failRun(tx, deps, run, version, ACTOR, { code: "run_timeout", message: `the run did not finish within ${version.runTimeoutMs} ms` });
      n++;
    });
  }
  return n;
}

async function resendLostJobs(deps: EngineDeps): Promise<number> {
  const { rows } = await deps.pool.query(
    `select s.id, s.run_id, s.attempt, s.status
       from runs r join step_runs s on s.run_id = r.id
      where r.status = any($4::run_status[])
        and ((s.status = 'queued' and s.queued_at < now() - make_interval(secs => $1))
          or (s.status = 'retry_scheduled' and s.next_attempt_at < now() - make_interval(secs => $1))
          or (s.status = 'waiting' and s.wait_kind = 'timer' and s.wait_until < now() - make_interval(secs => $1)))
        and not exists (
          select 1 from pgboss.job j
           where j.name = any($2::text[]) and j.state < 'completed'
             and j.data->>'stepRunId' = s.id::text and (j.data->>'attempt')::int = s.attempt
             -- A waiting step needs the job that resumes it, not the one that ran it.
             and coalesce((j.data->>'resume')::boolean, false) = (s.status = 'waiting'))
      limit $3`,
    // Only timer waits have a job; other waits end from outside.
    [LOST_JOB_MS / 1000, stepQueues, BATCH, [...activeRunStatuses, ...compensatingRunStatuses]],
  );
  if (rows.length === 0) return 0;
  // The lost job may still have a row (failed, expired): the new one gets an id of its own.
  const resent = new Date().toISOString();
  return transaction(deps.pool, async (tx) => {
    await lockRuns(tx, rows.map((r) => r.run_id));
    // Fenced again under the runs' locks: a step may have moved on since the query above.
    const { rows: still } = await tx.query(
      `select s.id, s.run_id, s.node_id, s.type, s.attempt, s.status from step_runs s join unnest($1::uuid[], $2::int[], $3::step_status[]) as l(id, attempt, status)
          on s.id = l.id and s.attempt = l.attempt and s.status = l.status
        order by s.id`,
      [rows.map((r) => r.id), rows.map((r) => r.attempt), rows.map((r) => r.status)],
    );
    await enqueue(
      deps,
      tx,
      still.map((r) => ({
        runId: r.run_id,
        stepRunId: r.id,
        attempt: r.attempt,
        resent,
        ...(r.status === "waiting" ? { resume: true } : stepDefinition(r.type)?.pure ? { pure: true } : {}),
      })),
    );
    await insertEvents(
      tx,
      still.map((r) => ({ runId: r.run_id, stepRunId: r.id, nodeId: r.node_id, type: "step.job_resent", actor: ACTOR, data: { attempt: r.attempt, status: r.status } })),
    );
    return still.length;
  });
}
