// After any change to a run's steps (inside the transaction that holds the run's lock): create
// the steps that became ready or skipped, send their jobs, and bring the run's status in line.
import type { PgBoss } from "pg-boss";
import { retryPolicy } from "./retry.ts";
import { insertEvents, type RunEventInput } from "./events.ts";
import { enqueue } from "./jobs.ts";
import { planReady, type NodeState } from "./plan.ts";
import { assertRun, isOpenStep, type RunStatus, type StepStatus } from "./states.ts";
import { valuesList, type Sql } from "./tx.ts";
import type { CompiledVersion } from "./versions.ts";

export interface LockedRun {
  id: string;
  workflowId: string;
  versionId: string;
  status: RunStatus;
  startedAt: Date | null;
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
}

/** Takes the run's row lock: every change to a run and its steps is serialised on it. */
export async function lockRun(sql: Sql, runId: string): Promise<LockedRun | null> {
  const { rows } = await sql.query(
    `select id, workflow_id, version_id, status, started_at from runs where id = $1 for update`,
    [runId],
  );
  const r = rows[0];
  return r ? { id: r.id, workflowId: r.workflow_id, versionId: r.version_id, status: r.status, startedAt: r.started_at } : null;
}

export async function loadSteps(sql: Sql, runId: string): Promise<StepRow[]> {
  const { rows } = await sql.query(
    `select id, node_id, status, branch, reason, output, error, attempt from step_runs where run_id = $1 and iteration = 0`,
    [runId],
  );
  return rows.map((r) => ({
    id: r.id,
    nodeId: r.node_id,
    status: r.status,
    branch: r.branch,
    reason: r.reason,
    output: r.output,
    error: r.error,
    attempt: r.attempt,
  }));
}

export interface AdvanceDeps {
  boss: PgBoss;
  onDelayedJob?: (at: Date) => void;
}

/** Creates ready and skipped steps (cascading skips), sends jobs, then syncs the run status. */
export async function advance(sql: Sql, deps: AdvanceDeps, run: LockedRun, version: CompiledVersion, actor: string): Promise<RunStatus> {
  const steps = await loadSteps(sql, run.id);
  const states = new Map<string, NodeState>(steps.map((s) => [s.nodeId, s]));
  const plan = planReady(version.graph, version.order, states, version.outputsOf);

  if (plan.queue.length || plan.skip.length) {
    const rows = [
      ...plan.queue.map((id) => {
        const node = version.node(id);
        return [run.id, id, node.type, "queued", 1, retryPolicy(node.retry).maxAttempts, null, "now", null];
      }),
      ...plan.skip.map((id) => [run.id, id, version.node(id).type, "skipped", 0, 0, "branch", null, "now"]),
    ];
    const { text, values } = valuesList(rows, ["uuid", "text", "text", "step_status", "int", "int", "text", "timestamptz", "timestamptz"]);
    const { rows: created } = await sql.query(
      `insert into step_runs (run_id, node_id, type, status, attempt, max_attempts, reason, queued_at, finished_at)
       values ${text} returning id, node_id, status`,
      values,
    );
    const events: RunEventInput[] = created.map((s) => ({
      runId: run.id,
      stepRunId: s.id,
      nodeId: s.node_id,
      actor,
      type: s.status === "queued" ? "step.queued" : "step.skipped",
      data: s.status === "queued" ? { attempt: 1 } : { reason: "branch not taken" },
    }));
    await insertEvents(sql, events);
    await enqueue(
      deps,
      sql,
      created.filter((s) => s.status === "queued").map((s) => ({ runId: run.id, stepRunId: s.id, attempt: 1 })),
    );
    for (const s of created) {
      steps.push({ id: s.id, nodeId: s.node_id, status: s.status, branch: null, reason: s.status === "skipped" ? "branch" : null, output: null, error: null, attempt: 1 });
    }
  }
  return syncRunStatus(sql, run, steps, version, actor);
}

/** The run's status as its steps make it, written with an event when it changes. */
export async function syncRunStatus(sql: Sql, run: LockedRun, steps: StepRow[], version: CompiledVersion, actor: string): Promise<RunStatus> {
  const open = steps.filter((s) => isOpenStep(s.status));
  let target: RunStatus;
  if (open.length === 0) {
    // A step cancelled with its run (and not re-done) leaves the run cancelled, not succeeded.
    target = steps.some((s) => s.status === "failed") ? "failed" : steps.some((s) => s.status === "cancelled") ? "cancelled" : "succeeded";
  } else if (open.every((s) => s.status === "waiting")) {
    target = "waiting";
  } else {
    // A run stays queued until a worker first starts one of its steps.
    const begun = steps.some((s) => s.nodeId !== version.start.id && s.status !== "queued" && !(s.status === "skipped" && s.reason === "branch"));
    target = run.status === "queued" && !begun ? "queued" : "running";
  }
  if (target === run.status) return target;
  assertRun(run.status, target);

  const terminal = target === "succeeded" || target === "failed" || target === "cancelled";
  const output = target === "succeeded" ? runOutput(steps, version) : null;
  const error = target === "failed" ? runError(steps) : null;
  await sql.query(
    `update runs set status = $2::run_status, updated_at = now(),
        started_at = coalesce(started_at, case when $2::text in ('running', 'waiting') then now() end),
        finished_at = case when $3 then clock_timestamp() else null end,
        output = case when $2::text = 'succeeded' then $4::jsonb else output end,
        error = case when $2::text = 'failed' then $5::jsonb else null end
      where id = $1`,
    [run.id, target, terminal, JSON.stringify(output), JSON.stringify(error)],
  );
  const type =
    target !== "running" ? `run.${target}`
    : run.status === "queued" ? "run.started"
    : run.status === "waiting" ? "run.resumed"
    : "run.reopened"; // failed or cancelled, and an operator made it go on
  await insertEvents(sql, [{ runId: run.id, type, actor, data: target === "failed" ? { error } : {} }]);
  run.status = target;
  return target;
}

/** One end node: its output. Several: their outputs by node id. None: null. */
function runOutput(steps: StepRow[], version: CompiledVersion): unknown {
  const ends = steps.filter((s) => s.status === "succeeded" && version.graph.nodes.get(s.nodeId)?.type === "end");
  if (ends.length === 0) return null;
  if (ends.length === 1) return ends[0].output ?? null;
  return Object.fromEntries(ends.map((s) => [s.nodeId, s.output ?? null]));
}

function runError(steps: StepRow[]) {
  const failed = steps.find((s) => s.status === "failed");
  if (!failed) return { message: "the run failed" };
  return { nodeId: failed.nodeId, message: `step ${failed.nodeId} failed: ${failed.error?.message ?? "no message"}` };
}
