// Sub-workflows. A sub-workflow step starts its child run in the transaction in which it begins
// to wait (worker/steps/subworkflow.ts), so the child's end can never come before the wait.
// When a child run ends, a trigger on runs queues the end in `child_run_ends` (whatever ended it:
// its last step, a cancel, a deadline, compensation) and NOTIFY baton_child_runs wakes a worker,
// which reports it to the parent step here: fenced on the step still waiting for that child,
// so a late or repeated end changes nothing. Cancelling (or failing) a parent cancels its
// children: cancel.ts.
import type { EngineDeps } from "./deps.ts";
import { resumeWaitInTransaction, type WaitResult } from "./wait.ts";
import { transaction } from "./tx.ts";
import { loadVersion } from "./versions.ts";
import { forEachItemsEnded } from "./for-each.ts";

const ACTOR = "system:subworkflows";

/** Reports queued child run ends to their parents; returns how many it took. */
export async function reportChildRunEnds(deps: EngineDeps, batch = 50): Promise<number> {
  let taken = 0;
  while (taken < batch && (await transaction(deps.pool, (tx) => reportOne(tx, deps)))) taken++;
  return taken;
}

async function reportOne(tx: import("./tx.ts").Sql, deps: EngineDeps): Promise<boolean> {
  const { rows } = await tx.query(
    `select e.id, r.id as child_id, r.status, r.output, r.error, r.parent_run_id, r.parent_step_run_id
       from child_run_ends e join runs r on r.id = e.child_run_id
      order by e.id limit 1 for update of e skip locked`,
  );
  const end = rows[0];
  if (!end) return false;
  await tx.query(`delete from child_run_ends where id = $1`, [end.id]);
  const { rows: kind } = await tx.query(`select wait_kind from step_runs where id = $1`, [end.parent_step_run_id]);
  if (kind[0]?.wait_kind === "items") {
    const succeeded = end.status === "succeeded";
    await forEachItemsEnded(
      tx,
      deps,
      { runId: end.parent_run_id, forEachStepRunId: end.parent_step_run_id, body: "child" },
      [{ bodyId: end.child_id, succeeded, output: end.output, error: succeeded ? null : (end.error ?? { message: `the item's run ${end.status}` }) }],
      ACTOR,
    );
    return true;
  }
  const { rows: waiting } = await tx.query(
    `select s.attempt, s.node_id, p.version_id from step_runs s join runs p on p.id = s.run_id
      where s.id = $1 and s.status = 'waiting' and s.wait_kind = 'child_run' and s.output->>'childRunId' = $2`,
    [end.parent_step_run_id, end.child_id],
  );
  // The parent moved on (cancelled, skipped, a newer attempt): nothing waits for this end.
  if (!waiting[0]) return true;
  const version = await loadVersion(tx, waiting[0].version_id);
  const config = version.node(waiting[0].node_id).config as { onFailure?: string; workflowId?: string };
  await resumeWaitInTransaction(tx, deps, { runId: end.parent_run_id, stepRunId: end.parent_step_run_id, attempt: waiting[0].attempt }, childResult(end, config), ACTOR);
  return true;
}

/** The parent step's outcome from its child's end. */
function childResult(end: { child_id: string; status: string; output: unknown; error: { message?: string } | null }, config: { onFailure?: string; workflowId?: string }): WaitResult {
  const base = { childRunId: end.child_id, workflowId: config.workflowId, status: end.status };
  if (end.status === "succeeded") return { output: { ...base, output: end.output } };
  if (config.onFailure === "continue") return { output: { ...base, error: end.error } };
  return {
    error: { message: `child run ${end.child_id} ${end.status.replaceAll("_", " ")}${end.error?.message ? `: ${end.error.message}` : ""}`, code: "child_failed" },
    // A child that failed may succeed in a new run; one somebody cancelled is not run again.
    retryable: end.status !== "cancelled",
  };
}
