// Repairs runs whose state and jobs disagree. Run by workers every few seconds (one at a time):
// - a running step whose lease (heartbeat) expired lost its worker: the attempt counts as
//   crashed and the step is retried elsewhere (or fails, when no attempt is left);
// - a run past its deadline fails, and its open steps are cancelled;
// - a step waiting for a job that no longer exists (deleted, expired) gets a new job.
import { RetryableError } from "./errors.ts";
import { insertEvents } from "./events.ts";
import { enqueue, STEP_QUEUE } from "./jobs.ts";
import { lockRun } from "./advance.ts";
import { cancelOpenSteps, failStep, type EngineDeps } from "./step-results.ts";
import { isActiveRun } from "./states.ts";
import { transaction } from "./tx.ts";
import { loadVersion } from "./versions.ts";

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
    `select id from runs where deadline_at < now() and status in ('queued', 'running', 'waiting') limit $1`,
    [BATCH],
  );
  let n = 0;
  for (const { id } of rows) {
    await transaction(deps.pool, async (tx) => {
      const run = await lockRun(tx, id);
      if (!run || !isActiveRun(run.status)) return;
      await cancelOpenSteps(tx, run, "run_timed_out", ACTOR);
      const version = await loadVersion(tx, run.versionId);
      const error = { code: "run_timeout", message: `the run did not finish within ${version.runTimeoutMs} ms` };
      await tx.query(`update runs set status = 'failed', error = $2::jsonb, finished_at = clock_timestamp(), updated_at = now() where id = $1`, [id, JSON.stringify(error)]);
      await insertEvents(tx, [{ runId: id, type: "run.failed", actor: ACTOR, data: { error } }]);
      n++;
    });
  }
  return n;
}

async function resendLostJobs(deps: EngineDeps): Promise<number> {
  const { rows } = await deps.pool.query(
    `select s.id, s.run_id, s.attempt, s.status
       from runs r join step_runs s on s.run_id = r.id
      where r.status in ('queued', 'running', 'waiting')
        and ((s.status = 'queued' and s.queued_at < now() - make_interval(secs => $1))
          or (s.status = 'retry_scheduled' and s.next_attempt_at < now() - make_interval(secs => $1))
          or (s.status = 'waiting' and s.wait_until < now() - make_interval(secs => $1)))
        and not exists (
          select 1 from pgboss.job j
           where j.name = $2 and j.state < 'completed'
             and j.data->>'stepRunId' = s.id::text and (j.data->>'attempt')::int = s.attempt)
      limit $3`,
    [LOST_JOB_MS / 1000, STEP_QUEUE, BATCH],
  );
  if (rows.length === 0) return 0;
  await transaction(deps.pool, (tx) =>
    enqueue(
      deps,
      tx,
      rows.map((r) => ({ runId: r.run_id, stepRunId: r.id, attempt: r.attempt, ...(r.status === "waiting" ? { resume: true } : {}) })),
    ),
  );
  await insertEvents(
    deps.pool,
    rows.map((r) => ({ runId: r.run_id, stepRunId: r.id, type: "step.job_resent", actor: ACTOR, data: { attempt: r.attempt, status: r.status } })),
  );
  return rows.length;
}
