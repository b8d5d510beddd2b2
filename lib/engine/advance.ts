// After steps change (inside the transaction that holds their runs' locks): create the steps that
// became ready or skipped, send their jobs, and bring each run's status in line (run-status.ts).
//
// Two ways, one result. The hot case, "these steps succeeded and the nodes after them wait for
// them alone (no join, no branch)", is known from the published graph without reading the run's
// other steps, and is batched over many runs in one statement. Everything else (joins, branches,
// ends, operator commands) plans from all the run's steps (plan.ts).
import { retryPolicy } from "./retry.ts";
import { enqueue, jobsNotice } from "./jobs.ts";
import { planReady, type NodeState } from "./plan.ts";
import type { EngineDeps } from "./deps.ts";
import { loadSteps, type LockedRun } from "./run-lock.ts";
import { setRunStatus, syncRunStatus } from "./run-status.ts";
import type { RunStatus, StepStatus } from "./states.ts";
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

/** Plans the run from all its steps: creates ready and skipped steps (cascading skips), then syncs its status. */
export async function advance(sql: Sql, deps: EngineDeps, run: LockedRun, version: CompiledVersion, actor: string): Promise<RunStatus> {
  const steps = await loadSteps(sql, run.id);
  const states = new Map<string, NodeState>(steps.map((s) => [s.nodeId, s]));
  const plan = planReady(version.graph, version.order, states, version.outputsOf);
  const created = await createSteps(sql, deps, [
    ...plan.queue.map((nodeId) => ({ run, version, nodeId, status: "queued" as const, actor })),
    ...plan.skip.map((nodeId) => ({ run, version, nodeId, status: "skipped" as const, actor })),
  ]);
  for (const s of created) {
    steps.push({ id: s.id, nodeId: s.nodeId, status: s.status, branch: null, reason: s.status === "skipped" ? "branch" : null, output: null, error: null, attempt: 1 });
  }
  return syncRunStatus(sql, run, steps, version, actor);
}

interface NewStep {
  run: LockedRun;
  version: CompiledVersion;
  nodeId: string;
  status: "queued" | "skipped";
  actor: string;
}

/** Inserts queued and skipped steps (of any runs) with their events and NOTIFY in one statement, then sends the jobs. */
async function createSteps(sql: Sql, deps: EngineDeps, steps: NewStep[]) {
  if (steps.length === 0) return [];
  const { rows } = await sql.query({
    name: "create-steps",
    text: `with created as (
             insert into step_runs (run_id, node_id, type, status, attempt, max_attempts, reason, queued_at, finished_at)
             select n.run_id, n.node_id, n.type, n.status, n.attempt, n.max_attempts,
                    case when n.status = 'skipped' then 'branch' end,
                    case when n.status = 'queued' then clock_timestamp() end,
                    case when n.status = 'skipped' then clock_timestamp() end
               from unnest($1::uuid[], $2::text[], $3::text[], $4::step_status[], $5::int[], $6::int[]) as n(run_id, node_id, type, status, attempt, max_attempts)
             on conflict (run_id, node_id, iteration) do nothing
             returning id, run_id, node_id, status
           ), events as (
             insert into run_events (run_id, step_run_id, node_id, type, actor, data)
             select c.run_id, c.id, c.node_id, case when c.status = 'queued' then 'step.queued' else 'step.skipped' end, a.actor,
                    case when c.status = 'queued' then '{"attempt": 1}'::jsonb else '{"reason": "branch"}'::jsonb end
               from created c join unnest($1::uuid[], $2::text[], $7::text[]) as a(run_id, node_id, actor) on a.run_id = c.run_id and a.node_id = c.node_id
           )
           select c.id, c.run_id, c.node_id, c.status,
                  (select count(pg_notify('baton_jobs', $9)) from created where status = 'queued' and $8) as notified
             from created c`,
    values: [
      steps.map((s) => s.run.id),
      steps.map((s) => s.nodeId),
      steps.map((s) => s.version.node(s.nodeId).type),
      steps.map((s) => s.status),
      steps.map((s) => (s.status === "queued" ? 1 : 0)),
      steps.map((s) => (s.status === "queued" ? retryPolicy(s.version.node(s.nodeId).retry).maxAttempts : 0)),
      steps.map((s) => s.actor),
      // succeed() tells the worker's own loops after commit instead (EngineDeps.localJobs).
      !(deps.localJobs && deps.onQueued),
      jobsNotice(steps.filter((s) => s.status === "queued").map((s) => s.version.isPure(s.nodeId))),
    ],
  });
  const versionOf = new Map(steps.map((s) => [s.run.id, s.version]));
  const created = rows.map((r) => ({ id: r.id as string, runId: r.run_id as string, nodeId: r.node_id as string, status: r.status as StepStatus }));
  await enqueue(
    deps,
    sql,
    created
      .filter((s) => s.status === "queued")
      .map((s) => ({ runId: s.runId, stepRunId: s.id, attempt: 1, ...(versionOf.get(s.runId)!.isPure(s.nodeId) ? { pure: true } : {}) })),
    { notify: false }, // NOTIFY went with the statement above (or the worker fetches them itself)
  );
  return created;
}
