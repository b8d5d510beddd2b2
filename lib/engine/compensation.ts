// Sagas. A run that fails (a step out of attempts, its deadline, an operator's "fail and
// compensate") with completed steps that have compensations does not stop at `failed`: it is
// `compensating`, and the compensations run as steps of their own (retries, dead letters,
// operator commands), one after another latest first, or all at once (the workflow says which).
// It ends `compensated`, or `compensation_failed` when one of them fails; an operator then
// retries or skips it and undoing goes on. The plan is compensation-plan.ts, the one the run
// page previews.
import { compensationPlan, type UndoEntry } from "./compensation-plan.ts";
import { createSteps } from "./create-steps.ts";
import type { EngineDeps } from "./deps.ts";
import { loadSteps, type LockedRun, type StepRow } from "./run-lock.ts";
import { runError, setRunStatus, type RunError } from "./run-status.ts";
import { isOpenStep, type RunStatus } from "./states.ts";
import type { Sql } from "./tx.ts";
import type { CompiledVersion } from "./versions.ts";

/** The run is undoing what it did (or stopped doing so at a failed compensation). */
export const isCompensation = (status: RunStatus) => status === "compensating" || status === "compensation_failed";

/**
 * The run failed: it undoes its completed steps, or is `failed` when there is nothing to undo.
 * Its open steps must be cancelled already (so the plan is final). `error` is why; by default
 * the failed step's error.
 */
export async function failRun(sql: Sql, deps: EngineDeps, run: LockedRun, version: CompiledVersion, actor: string, error?: RunError): Promise<RunStatus> {
  const steps = await loadSteps(sql, run.id);
  const plan = compensationPlan(version.graph, steps);
  if (plan.length === 0) {
    await setRunStatus(sql, run, "failed", actor, { error: error ?? runError(steps) });
    return run.status;
  }
  await setRunStatus(sql, run, "compensating", actor, { error: error ?? runError(steps), compensation: { plan, order: version.compensationOrder } });
  return advanceCompensation(sql, deps, run, version, actor, steps);
}

/** After a compensation finished (or an operator retried or skipped one): start what comes next,
 * or end the run compensated, or stopped at a failed compensation. */
export async function advanceCompensation(sql: Sql, deps: EngineDeps, run: LockedRun, version: CompiledVersion, actor: string, known?: StepRow[]): Promise<RunStatus> {
  const steps = known ?? (await loadSteps(sql, run.id));
  const rows = new Map(steps.map((s) => [s.nodeId, s]));
  const sequential = version.compensationOrder === "reverse";
  const start: UndoEntry[] = [];
  let open = false;
  let failed: StepRow | undefined;
  for (const entry of compensationPlan(version.graph, steps)) {
    const row = rows.get(entry.compensator);
    if (!row) start.push(entry);
    else if (isOpenStep(row.status)) open = true;
    else if (row.status === "failed" || row.status === "cancelled") failed ??= row;
    else continue; // undone: succeeded, or skipped by an operator
    // One at a time: nothing after a compensation still running, or one that failed.
    if (sequential) break;
  }
  if (start.length) await startCompensations(sql, deps, run, version, start, actor);
  if (start.length || open) {
    if (run.status === "compensation_failed") await setRunStatus(sql, run, "compensating", actor);
  } else if (failed) {
    await setRunStatus(sql, run, "compensation_failed", actor, { failedCompensation: { nodeId: failed.nodeId, message: failed.error?.message ?? "it failed" } });
  } else {
    await setRunStatus(sql, run, "compensated", actor);
    // The failure that started it is dealt with: its dead letter closes.
    await sql.query(`update dead_letters set resolved_at = now(), resolution = 'compensated', resolved_by = $2 where run_id = $1 and resolved_at is null`, [run.id, actor]);
  }
  return run.status;
}

/** Queues compensations, each linked to the step it undoes (whose input and output it reads). */
async function startCompensations(sql: Sql, deps: EngineDeps, run: LockedRun, version: CompiledVersion, entries: UndoEntry[], actor: string) {
  await createSteps(
    sql,
    deps,
    entries.map((e) => ({ run, version, nodeId: e.compensator, status: "queued" as const, actor, reason: `undoing ${e.nodeId}` })),
  );
  await sql.query(
    `update step_runs f set compensated_by = c.id
       from unnest($2::text[], $3::text[]) as u(undone, compensator)
       join step_runs c on c.run_id = $1 and c.node_id = u.compensator and c.iteration = 0
      where f.run_id = $1 and f.node_id = u.undone and f.iteration = 0`,
    [run.id, entries.map((e) => e.nodeId), entries.map((e) => e.compensator)],
  );
}
