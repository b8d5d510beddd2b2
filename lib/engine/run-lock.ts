// Every change to a run and its steps happens in a transaction that holds the run's row lock:
// taken here, always before any step row, and for several runs in id order (no deadlocks).
import type { RunStatus, StepStatus } from "./states.ts";
import type { Sql } from "./tx.ts";

export interface LockedRun {
  id: string;
  workflowId: string;
  versionId: string;
  status: RunStatus;
  startedAt: Date | null;
  /** A sub-workflow's run: the step of the parent run that waits for it. */
  parentStepRunId: string | null;
}

export interface StepRow {
  id: string;
  nodeId: string;
  status: StepStatus;
  branch: string | null;
  reason: string | null;
  output: unknown;
  error: { message?: string } | null;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of runs
const lockedRun = (r: any): LockedRun => ({ id: r.id, workflowId: r.workflow_id, versionId: r.version_id, status: r.status, startedAt: r.started_at, parentStepRunId: r.parent_step_run_id });

export async function lockRun(sql: Sql, runId: string): Promise<LockedRun | null> {
  const { rows } = await sql.query({
    name: "lock-run",
    text: `select id, workflow_id, version_id, status, started_at, parent_step_run_id from runs where id = $1 for update`,
    values: [runId],
  });
  return rows[0] ? lockedRun(rows[0]) : null;
}

/** Locks several runs in id order, so that two transactions locking overlapping sets cannot deadlock. */
export async function lockRuns(sql: Sql, runIds: string[]): Promise<Map<string, LockedRun>> {
  const { rows } = await sql.query({
    name: "lock-runs",
    text: `select id, workflow_id, version_id, status, started_at, parent_step_run_id from runs where id = any($1::uuid[]) order by id for update`,
    values: [[...new Set(runIds)].sort()],
  });
  return new Map(rows.map((r) => [r.id as string, lockedRun(r)]));
}

export async function loadSteps(sql: Sql, runId: string): Promise<StepRow[]> {
  const { rows } = await sql.query({
    name: "load-steps",
    text: `select id, node_id, status, branch, reason, output, error, attempt, started_at, finished_at from step_runs where run_id = $1 and iteration = 0`,
    values: [runId],
  });
  return rows.map((r) => ({
    id: r.id,
    nodeId: r.node_id,
    status: r.status,
    branch: r.branch,
    reason: r.reason,
    output: r.output,
    error: r.error,
    attempt: r.attempt,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
}
