// Waits. An attempt may ask to wait (its step type declares which kinds, StepDefinition.waits):
// the step goes to `waiting` and holds no worker. A `timer` wait sends its own resume job, due
// when the wait ends. Any other kind (an approval, an event) is ended from outside through
// resumeWait, which every such capability uses: fenced on (step, attempt, waiting), so that a
// second decision, or one that comes after the run was cancelled, changes nothing.
import type { EngineDeps } from "./deps.ts";
import { finishAttempt, inputJson, writeLogs, type Outcome, type Report } from "./attempts.ts";
import { insertEvents } from "./events.ts";
import { NonRetryableError, RetryableError } from "./errors.ts";
import { failInTransaction, type AttemptRef } from "./fail.ts";
import { enqueue } from "./jobs.ts";
import { loadSteps, lockRun } from "./run-lock.ts";
import { syncRunStatus } from "./run-status.ts";
import { stepFrom } from "./states.ts";
import { succeedInTransaction } from "./succeed.ts";
import { transaction, type Sql } from "./tx.ts";
import { loadVersion } from "./versions.ts";

export interface WaitRequest {
  /** One of the kinds the step type declares (the worker checks): "timer" resumes itself at
   * `until`; any other kind waits for resumeWait. */
  kind: string;
  until?: Date;
  /** The step's output while it waits (and after, unless the resume gives one). */
  output?: unknown;
  /** For a kind ended from outside: at `until`, end the wait on this branch (a timeout). */
  expire?: string;
}

/** What a kind of wait records with it, in the same transaction (an approval its request). */
export type RecordWait = (tx: Sql, waiting: { runId: string; stepRunId: string; nodeId: string; attempt: number; actor: string }, deps: EngineDeps) => Promise<void>;

/** The attempt asks to wait: the step waits, holding no worker. */
export async function waitStep(deps: EngineDeps, step: AttemptRef, wait: WaitRequest, report: Report, actor: string, record?: RecordWait): Promise<Outcome> {
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    const { rows } = await tx.query(
      `update step_runs set status = 'waiting', wait_kind = $7, wait_until = $3, output = $4::jsonb, input = coalesce($6::jsonb, input), heartbeat_at = null, updated_at = now()
        where id = $1 and attempt = $2 and status = any($5::step_status[]) returning node_id`,
      [step.stepRunId, step.attempt, wait.until ?? null, JSON.stringify(wait.output ?? null), stepFrom("waiting", ["running"]), inputJson(report), wait.kind],
    );
    if (!rows[0] || !run) return "stale";
    const version = await loadVersion(tx, run.versionId);
    await record?.(tx, { runId: run.id, stepRunId: step.stepRunId, nodeId: rows[0].node_id, attempt: step.attempt, actor }, deps);
    await finishAttempt(tx, step.stepRunId, step.attempt, "waiting");
    await writeLogs(tx, [{ stepRunId: step.stepRunId, attempt: step.attempt, logs: report.logs }]);
    await insertEvents(tx, [
      {
        runId: run.id,
        stepRunId: step.stepRunId,
        nodeId: rows[0].node_id,
        type: "step.waiting",
        actor,
        data: { attempt: step.attempt, kind: wait.kind, ...(wait.until ? { until: wait.until.toISOString() } : {}) },
      },
    ]);
    if (wait.kind === "timer") {
      if (!wait.until) throw new NonRetryableError("a timer wait needs a time to end");
      await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt, resume: true, startAfter: wait.until }]);
    } else if (wait.until && wait.expire) {
      await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt, resume: true, expire: wait.expire, startAfter: wait.until }]);
    }
    await syncRunStatus(tx, run, await loadSteps(tx, run.id), version, actor);
    return "applied";
  });
}

/**
 * Ends a wait: the step succeeds (with `output`, or the output it waited with) and the run goes
 * on, or it fails with `error` (not retried) and so does the run. "stale" when the step is no
 * longer waiting on that attempt: someone decided first, or the run stopped.
 */
export function resumeWait(deps: EngineDeps, step: AttemptRef, result: WaitResult, actor: string): Promise<Outcome> {
  return transaction(deps.pool, (tx) => resumeWaitInTransaction(tx, deps, step, result, actor));
}

/** The wait's end: an output (and, for a step that branches, the branch to take), or an error:
 * final, or `retryable` (a child run failed: the step tries again, per its retry policy). */
export type WaitResult = { output?: unknown; branch?: string } | { error: { message: string; code?: string }; retryable?: boolean };

/**
 * resumeWait in the caller's transaction, so that whatever decided (an approval's decision row,
 * an event's delivery) commits together with the step and the run going on. The caller must not
 * hold step locks of the run yet (the run's lock comes first).
 */
export async function resumeWaitInTransaction(tx: Sql, deps: EngineDeps, step: AttemptRef, result: WaitResult, actor: string): Promise<Outcome> {
  if ("error" in result) {
    const error = result.retryable ? new RetryableError(result.error.message, { code: result.error.code }) : new NonRetryableError(result.error.message, { code: result.error.code });
    return failInTransaction(tx, deps, step, error, { logs: [] }, actor);
  }
  const [applied] = await succeedInTransaction(tx, deps, [{ ...step, from: "waiting", output: result.output, branch: result.branch, report: { logs: [] }, actor, note: { resumedBy: actor } }]);
  return applied ? "applied" : "stale";
}
