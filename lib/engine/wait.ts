// Waits. An attempt may ask to wait (its step type declares which kinds, StepDefinition.waits):
// the step goes to `waiting` and holds no worker. A `timer` wait sends its own resume job, due
// when the wait ends. Any other kind (an approval, an event) is ended from outside through
// resumeWait, which every such capability uses: fenced on (step, attempt, waiting), so that a
// second decision, or one that comes after the run was cancelled, changes nothing.
import type { EngineDeps } from "./deps.ts";
import { finishAttempt, inputJson, writeLogs, type Outcome, type Report } from "./attempts.ts";
import { insertEvents } from "./events.ts";
import { NonRetryableError } from "./errors.ts";
import { failStep, type AttemptRef } from "./fail.ts";
import { enqueue } from "./jobs.ts";
import { loadSteps, lockRun } from "./run-lock.ts";
import { syncRunStatus } from "./run-status.ts";
import { stepFrom } from "./states.ts";
import { succeed } from "./succeed.ts";
import { transaction } from "./tx.ts";
import { loadVersion } from "./versions.ts";

export interface WaitRequest {
  /** One of the kinds the step type declares (the worker checks): "timer" resumes itself at
   * `until`; any other kind waits for resumeWait. */
  kind: string;
  until?: Date;
  /** The step's output while it waits (and after, unless the resume gives one). */
  output?: unknown;
}

/** The attempt asks to wait: the step waits, holding no worker. */
export async function waitStep(deps: EngineDeps, step: AttemptRef, wait: WaitRequest, report: Report, actor: string): Promise<Outcome> {
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    const { rows } = await tx.query(
      `update step_runs set status = 'waiting', wait_kind = $7, wait_until = $3, output = $4::jsonb, input = coalesce($6::jsonb, input), heartbeat_at = null, updated_at = now()
        where id = $1 and attempt = $2 and status = any($5::step_status[]) returning node_id`,
      [step.stepRunId, step.attempt, wait.until ?? null, JSON.stringify(wait.output ?? null), stepFrom("waiting", ["running"]), inputJson(report), wait.kind],
    );
    if (!rows[0] || !run) return "stale";
    const version = await loadVersion(tx, run.versionId);
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
export async function resumeWait(
  deps: EngineDeps,
  step: AttemptRef,
  result: { output?: unknown } | { error: { message: string; code?: string } },
  actor: string,
): Promise<Outcome> {
  if ("error" in result) return failStep(deps, step, new NonRetryableError(result.error.message, { code: result.error.code }), { logs: [] }, actor);
  const [outcome] = await succeed(deps, [{ ...step, from: "waiting", output: result.output, report: { logs: [] }, actor, note: { resumedBy: actor } }]);
  return outcome;
}
