// The one writer of a run's status. Every change goes through setRunStatus, which checks it
// against the transition table (states.ts), stamps the times and writes the matching event, in
// the caller's transaction and under the run's lock (run-lock.ts).
import { insertEvents, type RunEventInput } from "./events.ts";
import type { EventPayloads } from "./event-catalog.ts";
import { assertRun, isFinishedRun, isOpenStep, type RunStatus } from "./states.ts";
import type { LockedRun, StepRow } from "./run-lock.ts";
import type { Sql } from "./tx.ts";
import type { CompiledVersion } from "./versions.ts";

export type RunError = EventPayloads["run.failed"]["error"];

interface StatusDetail {
  output?: unknown;
  /** Why it failed (failed, compensating). */
  error?: RunError;
  /** compensating: what it undoes, how. */
  compensation?: Pick<EventPayloads["run.compensating"], "plan" | "order">;
  /** compensation_failed: the compensation that failed. */
  failedCompensation?: EventPayloads["run.compensation_failed"];
}

/** Moves the run to `target` (a no-op when it is there already) and records why. */
export async function setRunStatus(sql: Sql, run: LockedRun, target: RunStatus, actor: string, result: StatusDetail = {}): Promise<void> {
  if (target === run.status) return;
  assertRun(run.status, target);
  await sql.query({
    name: "set-run-status",
    text: `update runs set status = $2::run_status, updated_at = now(),
              started_at = coalesce(started_at, case when $2::text in ('running', 'waiting') then clock_timestamp() end),
              finished_at = case when $3 then clock_timestamp() end,
              output = case when $2::text = 'succeeded' then $4::jsonb else output end,
              -- Why the run failed stays with it while its compensations run, and after.
              error = case when $2::text in ('failed', 'compensating') and $5::jsonb <> 'null' then $5::jsonb
                           when $2::text in ('compensating', 'compensated', 'compensation_failed') then error end
            where id = $1`,
    values: [run.id, target, isFinishedRun(target), JSON.stringify(result.output ?? null), JSON.stringify(result.error ?? null)],
  });
  await insertEvents(sql, [runEvent(run, target, actor, result)]);
  run.status = target;
}

function runEvent(run: LockedRun, target: RunStatus, actor: string, { error, compensation, failedCompensation }: StatusDetail): RunEventInput {
  const base = { runId: run.id, actor };
  switch (target) {
    case "running":
      // Reopened: it had failed or been cancelled, and an operator made it go on.
      return { ...base, type: run.status === "queued" ? "run.started" : run.status === "waiting" ? "run.resumed" : "run.reopened" };
    case "failed":
      return { ...base, type: "run.failed", data: { error: error ?? { message: "the run failed" } } };
    case "compensating":
      // Reopened after a failed compensation (an operator retried it): no new plan to tell.
      if (run.status === "compensation_failed") return { ...base, type: "run.compensation_resumed" };
      return { ...base, type: "run.compensating", data: { error: error ?? { message: "the run failed" }, order: compensation?.order ?? "reverse", plan: compensation?.plan ?? [] } };
    case "compensation_failed":
      return { ...base, type: "run.compensation_failed", data: failedCompensation ?? { nodeId: "", message: "a compensation failed" } };
    case "waiting":
    case "succeeded":
    case "cancelled":
    case "compensated":
      return { ...base, type: `run.${target}` };
    default:
      throw new Error(`no event for a run becoming ${target} yet`);
  }
}

/** The run's status as its steps make it, written when it changes. A run undoing what it did
 * has its status from its compensations (compensation.ts) instead. */
export async function syncRunStatus(sql: Sql, run: LockedRun, steps: StepRow[], version: CompiledVersion, actor: string): Promise<RunStatus> {
  if (run.status === "compensating" || run.status === "compensation_failed") return run.status;
  const open = steps.filter((s) => isOpenStep(s.status));
  let target: RunStatus;
  if (open.length === 0) {
    // A step cancelled with its run (and not re-done) leaves the run cancelled, not succeeded.
    target = steps.some((s) => s.status === "failed") ? "failed" : steps.some((s) => s.status === "cancelled") ? "cancelled" : "succeeded";
  } else if (open.every((s) => s.status === "waiting")) {
    target = "waiting";
  } else {
    // A run stays queued until a worker first starts one of its steps.
    const begun = steps.some((s) => s.nodeId !== version.entry.id && s.status !== "queued" && !(s.status === "skipped" && s.reason === "branch"));
    target = run.status === "queued" && !begun ? "queued" : "running";
  }
  await setRunStatus(sql, run, target, actor, {
    output: target === "succeeded" ? runOutput(steps, version) : undefined,
    error: target === "failed" ? runError(steps) : undefined,
  });
  return target;
}

/** One exit node: its output. Several: their outputs by node id. None: null. */
function runOutput(steps: StepRow[], version: CompiledVersion): unknown {
  const exits = steps.filter((s) => s.status === "succeeded" && version.isExit(s.nodeId));
  if (exits.length === 0) return null;
  if (exits.length === 1) return exits[0].output ?? null;
  return Object.fromEntries(exits.map((s) => [s.nodeId, s.output ?? null]));
}

export function runError(steps: StepRow[]): RunError {
  const failed = steps.find((s) => s.status === "failed");
  if (!failed) return { message: "the run failed" };
  return { nodeId: failed.nodeId, message: `step ${failed.nodeId} failed: ${failed.error?.message ?? "no message"}` };
}
