// After any change to a run's steps (inside the transaction that holds the run's lock): create
// the steps that became ready or skipped, send their jobs, and bring the run's status in line.
import type { PgBoss } from "pg-boss";
import { retryPolicy } from "./retry.ts";
import { insertEvents, type RunEventInput } from "./events.ts";
import { enqueue } from "./jobs.ts";
import { planReady, type NodeState } from "./plan.ts";
import { assertRun, isOpenStep, type RunStatus, type StepStatus } from "./states.ts";
import type { Sql } from "./tx.ts";
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
  const { rows } = await sql.query({
    name: "lock-run",
    text: `select id, workflow_id, version_id, status, started_at from runs where id = $1 for update`,
    values: [runId],
  });
  const r = rows[0];
  return r ? { id: r.id, workflowId: r.workflow_id, versionId: r.version_id, status: r.status, startedAt: r.started_at } : null;
}

export async function loadSteps(sql: Sql, runId: string): Promise<StepRow[]> {
  const { rows } = await sql.query({
    name: "load-steps",
    text: `select id, node_id, status, branch, reason, output, error, attempt from step_runs where run_id = $1 and iteration = 0`,
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
  }));
}

export interface AdvanceDeps {
  boss: PgBoss;
  onDelayedJob?: (at: Date) => void;
}

/**
 * Creates ready and skipped steps (cascading skips), sends their jobs, then syncs the run status.
 * `completed` names the node whose success led here: when its successors depend on it alone
 * (no join, no branch), they are ready with no need to read the run's other steps, and a queued
 * or running run stays as it is (the common case, kept to a few statements).
 */
export async function advance(sql: Sql, deps: AdvanceDeps, run: LockedRun, version: CompiledVersion, actor: string, completed?: string): Promise<RunStatus> {
  const direct = completed === undefined ? undefined : version.directSuccessors(completed);
  // Queuing steps leaves a queued or running run as it is, so no status check is needed.
  if (direct?.length && (run.status === "running" || run.status === "queued")) {
    await createSteps(sql, deps, run, version, direct, [], actor);
    return run.status;
  }
  const steps = await loadSteps(sql, run.id);
  const states = new Map<string, NodeState>(steps.map((s) => [s.nodeId, s]));
  const plan = planReady(version.graph, version.order, states, version.outputsOf);
  for (const s of await createSteps(sql, deps, run, version, plan.queue, plan.skip, actor)) {
    steps.push({ id: s.id, nodeId: s.nodeId, status: s.status, branch: null, reason: s.status === "skipped" ? "branch" : null, output: null, error: null, attempt: 1 });
  }
  return syncRunStatus(sql, run, steps, version, actor);
}

/** Inserts queued and skipped steps with their events in one statement, then sends the jobs. */
async function createSteps(sql: Sql, deps: AdvanceDeps, run: LockedRun, version: CompiledVersion, queue: string[], skip: string[], actor: string) {
  if (queue.length === 0 && skip.length === 0) return [];
  const nodes = [...queue, ...skip];
  const { rows } = await sql.query({
    name: "create-steps",
    text: `with created as (
             insert into step_runs (run_id, node_id, type, status, attempt, max_attempts, reason, queued_at, finished_at)
             select $1, n.node_id, n.type, n.status, n.attempt, n.max_attempts,
                    case when n.status = 'skipped' then 'branch' end,
                    case when n.status = 'queued' then clock_timestamp() end,
                    case when n.status = 'skipped' then clock_timestamp() end
               from unnest($2::text[], $3::text[], $4::step_status[], $5::int[], $6::int[]) as n(node_id, type, status, attempt, max_attempts)
             on conflict (run_id, node_id, iteration) do nothing
             returning id, node_id, status
           ), events as (
             insert into run_events (run_id, step_run_id, node_id, type, actor, data)
             select $1, id, node_id, case when status = 'queued' then 'step.queued' else 'step.skipped' end, $7,
                    case when status = 'queued' then '{"attempt": 1}'::jsonb else '{"reason": "branch not taken"}'::jsonb end
               from created
           )
           select c.id, c.node_id, c.status,
                  (select count(pg_notify('baton_jobs', '')) from created where status = 'queued') as notified
             from created c`,
    values: [
      run.id,
      nodes,
      nodes.map((id) => version.node(id).type),
      nodes.map((_, i) => (i < queue.length ? "queued" : "skipped")),
      nodes.map((_, i) => (i < queue.length ? 1 : 0)),
      nodes.map((id, i) => (i < queue.length ? retryPolicy(version.node(id).retry).maxAttempts : 0)),
      actor,
    ],
  });
  const created = rows.map((r) => ({ id: r.id as string, nodeId: r.node_id as string, status: r.status as StepStatus }));
  await enqueue(
    deps,
    sql,
    created.filter((s) => s.status === "queued").map((s) => ({ runId: run.id, stepRunId: s.id, attempt: 1, ...(version.isPure(s.nodeId) ? { pure: true } : {}) })),
    { notify: false }, // NOTIFY went with the statement above
  );
  return created;
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
  const event: RunEventInput =
    target === "failed" ? { runId: run.id, type: "run.failed", actor, data: { error: error! } }
    : target === "running" ? { runId: run.id, actor, type: run.status === "queued" ? "run.started" : run.status === "waiting" ? "run.resumed" : "run.reopened" } // reopened: failed or cancelled, and an operator made it go on
    : { runId: run.id, actor, type: `run.${target}` as "run.succeeded" | "run.waiting" | "run.cancelled" };
  await insertEvents(sql, [event]);
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
