// After steps change (inside the transaction that holds their runs' locks): create the steps that
// became ready or skipped, send their jobs, and bring each run's status in line (run-status.ts).
//
// Two ways, one result. The hot case, "these steps succeeded and the nodes after them wait for
// them alone (no join, no branch)", is known from the published graph without reading the run's
// other steps, and is batched over many runs in one statement. Everything else (joins, branches,
// ends, operator commands) plans from all the run's steps (plan.ts).
import { advanceCompensation, isCompensation } from "./compensation.ts";
import { createSteps, type NewStep } from "./create-steps.ts";
import { planReady, type NodeState } from "./plan.ts";
import type { EngineDeps } from "./deps.ts";
import { loadSteps, type LockedRun } from "./run-lock.ts";
import { setRunStatus, syncRunStatus } from "./run-status.ts";
import type { RunStatus } from "./states.ts";
import type { Sql } from "./tx.ts";
import type { CompiledVersion } from "./versions.ts";

export interface Completed {
  run: LockedRun;
  version: CompiledVersion;
  /** Nodes of the run that just succeeded (or were skipped with an output). */
  nodeIds: string[];
  actor: string;
}

/** Moves each run on after its `nodeIds` completed. */
export async function handOff(sql: Sql, deps: EngineDeps, completed: Completed[]): Promise<void> {
  const direct: NewStep[] = [];
  for (const { run, version, nodeIds, actor } of completed) {
    const next = nodeIds.map((id) => version.directSuccessors(id));
    const simple = (run.status === "running" || run.status === "queued") && next.every((n) => n?.length);
    if (!simple) {
      await advance(sql, deps, run, version, actor);
      continue;
    }
    // A run stays queued until a worker first finishes one of its steps (the entry step is done
    // when the run is created).
    if (run.status === "queued" && nodeIds.some((id) => id !== version.entry.id)) await setRunStatus(sql, run, "running", actor);
    for (const nodeId of next.flat()) direct.push({ run, version, nodeId: nodeId!, status: "queued", actor });
  }
  await createSteps(sql, deps, direct);
}

/** Plans the run from all its steps: creates ready and skipped steps (cascading skips), then
 * syncs its status. A run undoing what it did goes on with its compensations instead. */
export async function advance(sql: Sql, deps: EngineDeps, run: LockedRun, version: CompiledVersion, actor: string): Promise<RunStatus> {
  if (isCompensation(run.status)) return advanceCompensation(sql, deps, run, version, actor);
  const steps = await loadSteps(sql, run.id);
  const states = new Map<string, NodeState>(steps.map((s) => [s.nodeId, s]));
  const plan = planReady(version.graph, version.order, states, version.outputsOf);
  const created = await createSteps(sql, deps, [
    ...plan.queue.map((nodeId) => ({ run, version, nodeId, status: "queued" as const, actor })),
    ...plan.skip.map((nodeId) => ({ run, version, nodeId, status: "skipped" as const, actor })),
  ]);
  for (const s of created) {
    steps.push({ id: s.id, nodeId: s.nodeId, status: s.status, branch: null, reason: s.status === "skipped" ? "branch" : null, output: null, error: null, attempt: 1, startedAt: null, finishedAt: null });
  }
  return syncRunStatus(sql, run, steps, version, actor);
}
