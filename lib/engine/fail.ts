// An attempt that did not succeed: it failed (retry after the backoff, or fail the step, dead-letter
// it and fail the run), or its worker shut down mid-way (hand it to another worker at once).
import { retryPolicy, backoffDelay } from "./retry.ts";
import { describeError } from "./errors.ts";
import type { EngineDeps } from "./deps.ts";
import { finishAttempt, inputJson, writeLogs, type Outcome, type Report } from "./attempts.ts";
import { cancelOpenSteps } from "./cancel.ts";
import type { FailureKind } from "./event-catalog.ts";
import { insertEvents } from "./events.ts";
import { enqueue } from "./jobs.ts";
import { loadSteps, lockRun } from "./run-lock.ts";
import { syncRunStatus } from "./run-status.ts";
import { isActiveRun, stepFrom } from "./states.ts";
import { advanceCompensation, failRun, isCompensation } from "./compensation.ts";
import { transaction, type Sql } from "./tx.ts";
import { loadVersion } from "./versions.ts";
import { bodyStepsEnded } from "./for-each.ts";

export type { FailureKind } from "./event-catalog.ts";

export interface AttemptRef {
  runId: string;
  stepRunId: string;
  attempt: number;
}

/**
 * The attempt failed. Retryable with attempts left: schedule the next attempt after the backoff
 * (the wait happens in the queue). Otherwise the step fails, lands in the dead letters, and fails
 * the run, whose other open steps are cancelled (and whose completed steps are undone, when they
 * have compensations). A waiting step may fail too (resumeWait).
 */
export function failStep(deps: EngineDeps, step: AttemptRef, error: unknown, report: Report, actor: string, kind: FailureKind = "failed"): Promise<Outcome> {
  return transaction(deps.pool, (tx) => failInTransaction(tx, deps, step, error, report, actor, kind));
}

/** failStep in the caller's transaction (which must not hold step locks of the run yet). */
export async function failInTransaction(tx: Sql, deps: EngineDeps, step: AttemptRef, error: unknown, report: Report, actor: string, kind: FailureKind = "failed"): Promise<Outcome> {
  const info = describeError(error);
  const { retryAfterMs, ...stored } = info;
  const run = await lockRun(tx, step.runId);
  const { rows } = await tx.query(
    `select node_id, iteration, attempt, max_attempts, status from step_runs where id = $1 and attempt = $2 and status = any($3::step_status[]) for update`,
    [step.stepRunId, step.attempt, stepFrom("failed", ["running", "waiting"])],
  );
  const row = rows[0];
  if (!row || !run) return "stale";
  const version = await loadVersion(tx, run.versionId);
  const node = version.node(row.node_id);
  await writeLogs(tx, [{ stepRunId: step.stepRunId, attempt: step.attempt, logs: report.logs }]);
  if (report.input !== undefined) await tx.query(`update step_runs set input = $2::jsonb where id = $1`, [step.stepRunId, inputJson(report)]);
  const summary = { message: stored.message, ...(stored.code ? { code: stored.code } : {}), retryable: stored.retryable };
  const ref = { runId: run.id, stepRunId: step.stepRunId, nodeId: row.node_id as string, actor };

  // A wait that ends in failure is final (rejected, timed out: there is no attempt to repeat),
  // unless its end says it may be retried (a child run failed: a new attempt starts a new one).
  if (info.retryable && (row.status === "running" || row.status === "waiting") && row.attempt < row.max_attempts) {
    // Backoff counts attempts within the current budget: a requeued step starts short again.
    const policy = retryPolicy(node.retry);
    const nth = Math.max(1, row.attempt - (row.max_attempts - policy.maxAttempts));
    const delayMs = retryAfterMs ?? backoffDelay(policy, nth);
    const at = new Date(Date.now() + delayMs);
    await tx.query(
      `update step_runs set status = 'retry_scheduled', attempt = attempt + 1, next_attempt_at = $2, error = $3::jsonb, heartbeat_at = null, updated_at = now()
        where id = $1`,
      [step.stepRunId, at, JSON.stringify(stored)],
    );
    await finishAttempt(tx, step.stepRunId, step.attempt, kind, stored, delayMs);
    await insertEvents(tx, [
      { ...ref, type: "step.retry_scheduled", data: { attempt: step.attempt, outcome: kind, nextAttempt: step.attempt + 1, delayMs, at: at.toISOString(), error: summary } },
    ]);
    await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt + 1, startAfter: at, ...(version.isPure(row.node_id) ? { pure: true } : {}) }]);
    return "applied";
  }

  await tx.query(
    `update step_runs set status = 'failed', error = $2::jsonb, finished_at = clock_timestamp(), heartbeat_at = null, updated_at = now() where id = $1`,
    [step.stepRunId, JSON.stringify(stored)],
  );
  await finishAttempt(tx, step.stepRunId, step.attempt, kind, stored);
  const reason = info.retryable ? `attempts exhausted (${step.attempt} of ${row.max_attempts})` : "not retryable";
  if (row.iteration > 0) {
    // A for-each item out of attempts: its for-each decides (fail fast, collect, a threshold);
    // the for-each's failure, if it comes to that, is the dead letter and the run's failure.
    await insertEvents(tx, [{ ...ref, type: "step.failed", data: { attempt: step.attempt, outcome: kind, reason, error: summary } }]);
    await bodyStepsEnded(tx, deps, run.id, [{ bodyId: step.stepRunId, succeeded: false, error: summary }], actor);
    return "applied";
  }
  await tx.query(`insert into dead_letters (run_id, step_run_id, workflow_id, node_id, attempts, error) values ($1, $2, $3, $4, $5, $6::jsonb)`, [
    run.id,
    step.stepRunId,
    run.workflowId,
    row.node_id,
    step.attempt,
    JSON.stringify(stored),
  ]);
  await insertEvents(tx, [
    { ...ref, type: "step.failed", data: { attempt: step.attempt, outcome: kind, reason, error: summary } },
    { ...ref, type: "step.dead_lettered", data: { reason } },
  ]);
  if (isCompensation(run.status)) {
    // A compensation failed: the others (run at once) go on; the run stops when they are done.
    await advanceCompensation(tx, deps, run, version, actor);
  } else if (isActiveRun(run.status)) {
    await cancelOpenSteps(tx, deps, run, "run_failed", actor);
    await failRun(tx, deps, run, version, actor);
  } else {
    await cancelOpenSteps(tx, deps, run, "run_failed", actor);
    await syncRunStatus(tx, run, await loadSteps(tx, run.id), version, actor);
  }
  return "applied";
}

/** The worker is shutting down mid-attempt: hand the step to another worker at once. The
 * interrupted attempt does not count against the step's budget. */
export async function interruptStep(deps: EngineDeps, step: AttemptRef, actor: string): Promise<Outcome> {
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    const { rows } = await tx.query(
      `update step_runs set status = 'queued', attempt = attempt + 1, max_attempts = max_attempts + 1, queued_at = now(), heartbeat_at = null, updated_at = now()
        where id = $1 and attempt = $2 and status = any($3::step_status[]) returning node_id`,
      [step.stepRunId, step.attempt, stepFrom("queued", ["running"])],
    );
    if (!rows[0] || !run) return "stale";
    await finishAttempt(tx, step.stepRunId, step.attempt, "interrupted", { message: "the worker shut down during the attempt" });
    await insertEvents(tx, [
      { runId: run.id, stepRunId: step.stepRunId, nodeId: rows[0].node_id, type: "step.interrupted", actor, data: { attempt: step.attempt, nextAttempt: step.attempt + 1 } },
    ]);
    await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt + 1 }]);
    return "applied";
  });
}
