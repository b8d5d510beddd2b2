// Operator commands on runs: cancel, resume, retry a step, skip a step with an output, replay,
// and the dead-letter queue. Each runs in one transaction under the run's lock, checks that it
// fits the current state (else 409 naming the state), and records who asked in run_events.
import { conflict, notFound, unprocessable } from "../api/errors.ts";
import { stepDefinition } from "../steps/index.ts";
import { advance } from "./advance.ts";
import { loadSteps, lockRun, type LockedRun } from "./run-lock.ts";
import { setRunStatus } from "./run-status.ts";
import { insertEvents, type RunEventInput } from "./events.ts";
import type { EventPayloads } from "./event-catalog.ts";
import { enqueue } from "./jobs.ts";
import { retryPolicy } from "./retry.ts";
import { canCancelRun, canCompensateRun, canResumeRun, canRetryStep, canSkipInRun, canSkipStep, stepFrom, type StepStatus } from "./states.ts";
import { failRun, isCompensation } from "./compensation.ts";
import { compensationPlan } from "./compensation-plan.ts";
import { cancelRequestsOf } from "../approvals/chain.ts";
import { cancelChildRuns, cancelOpenSteps } from "./cancel.ts";
import type { EngineDeps } from "./deps.ts";
import { startRun, type StartedRun } from "./start-run.ts";
import { transaction, type Sql } from "./tx.ts";
import { loadVersion, type CompiledVersion } from "./versions.ts";

/** Steps cancelled only because their run stopped; reopening the run brings them back. */
const COLLATERAL = ["run_failed", "run_cancelled", "run_timed_out"];

interface StepRef {
  id: string;
  nodeId: string;
  status: StepStatus;
  attempt: number;
  reason: string | null;
}

async function withRun<T>(deps: EngineDeps, runId: string, fn: (tx: Sql, run: LockedRun, version: CompiledVersion) => Promise<T>): Promise<T> {
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) throw notFound(`Run ${runId}`);
    return fn(tx, run, await loadVersion(tx, run.versionId));
  });
}

async function stepOf(tx: Sql, run: LockedRun, nodeId: string, version?: CompiledVersion): Promise<StepRef> {
  // While a run undoes what it did, its forward steps are history: only compensations are acted on.
  if (version && isCompensation(run.status) && !version.graph.compensates.has(nodeId)) {
    throw conflict(`Run ${run.id} is ${run.status}: only its compensations can be retried or skipped, and ${nodeId} is not one.`, { state: run.status });
  }
  const { rows } = await tx.query(`select id, node_id, status, attempt, reason from step_runs where run_id = $1 and node_id = $2 and iteration = 0 for update`, [run.id, nodeId]);
  if (!rows[0]) throw notFound(`Step ${nodeId} of run ${run.id} (it has not been reached)`);
  const r = rows[0];
  return { id: r.id, nodeId: r.node_id, status: r.status, attempt: r.attempt, reason: r.reason };
}

/** Puts steps back in the queue with a fresh attempt budget (the attempt number keeps counting). */
async function requeue(tx: Sql, deps: EngineDeps, run: LockedRun, version: CompiledVersion, steps: StepRef[], actor: string, why: string) {
  if (steps.length === 0) return;
  for (const s of steps) {
    const budget = retryPolicy(version.node(s.nodeId).retry).maxAttempts;
    await tx.query(
      `update step_runs set status = 'queued', attempt = attempt + 1, max_attempts = attempt + $2, reason = null, queued_at = now(),
              next_attempt_at = null, finished_at = null, updated_at = now()
        where id = $1 and status = any($3::step_status[])`,
      [s.id, budget, stepFrom("queued")],
    );
  }
  await insertEvents(tx, steps.map((s) => ({ runId: run.id, stepRunId: s.id, nodeId: s.nodeId, type: "step.queued", actor, data: { attempt: s.attempt + 1, reason: why } })));
  await enqueue(deps, tx, steps.map((s) => ({ runId: run.id, stepRunId: s.id, attempt: s.attempt + 1, ...(version.isPure(s.nodeId) ? { pure: true } : {}) })));
}

async function collateral(tx: Sql, run: LockedRun, except: string[] = []): Promise<StepRef[]> {
  const { rows } = await tx.query(
    `select id, node_id, status, attempt, reason from step_runs
      where run_id = $1 and iteration = 0 and status = 'cancelled' and reason = any($2) and not (id = any($3::uuid[])) for update`,
    [run.id, COLLATERAL, except],
  );
  return rows.map((r) => ({ id: r.id, nodeId: r.node_id, status: r.status, attempt: r.attempt, reason: r.reason }));
}

async function resolveDeadLetters(tx: Sql, stepRunIds: string[], resolution: string, actor: string) {
  await tx.query(
    `update dead_letters set resolved_at = now(), resolution = $2, resolved_by = $3 where step_run_id = any($1::uuid[]) and resolved_at is null`,
    [stepRunIds, resolution, actor],
  );
}

const command = <T extends "cancel" | "compensate" | "resume" | "retry_step" | "skip_step">(tx: Sql, run: LockedRun, name: T, actor: string, data?: EventPayloads[`command.${T}`]) =>
  insertEvents(tx, [{ runId: run.id, type: `command.${name}`, actor, data } as RunEventInput]);

export async function cancelRun(deps: EngineDeps, runId: string, actor: string) {
  return withRun(deps, runId, async (tx, run) => {
    if (!canCancelRun(run.status)) {
      throw conflict(`Run ${run.id} is ${run.status}; only queued, running or waiting runs can be cancelled.`, { state: run.status });
    }
    await command(tx, run, "cancel", actor);
    await cancelOpenSteps(tx, deps, run, "run_cancelled", actor);
    await setRunStatus(tx, run, "cancelled", actor);
    return { id: run.id, status: "cancelled" as const };
  });
}

/** "Fail and compensate": the run stops (its open steps are cancelled) and undoes the steps it
 * completed, in the order the run page previews (compensation-plan.ts). */
export async function compensateRun(deps: EngineDeps, runId: string, actor: string) {
  return withRun(deps, runId, async (tx, run, version) => {
    if (!canCompensateRun(run.status)) {
      throw conflict(`Run ${run.id} is ${run.status}; only queued, running, waiting or failed runs can be compensated.`, { state: run.status });
    }
    if (compensationPlan(version.graph, await loadSteps(tx, run.id)).length === 0) {
      throw conflict(`Run ${run.id} has nothing to undo: none of its steps with a compensation has run.`, { state: run.status });
    }
    await command(tx, run, "compensate", actor);
    await cancelOpenSteps(tx, deps, run, "run_failed", actor);
    const failed = run.status === "failed";
    const status = await failRun(tx, deps, run, version, actor, failed ? undefined : { code: "operator", message: `${actor} stopped the run to undo it` });
    return { id: run.id, status };
  });
}

/** A failed or cancelled run goes on: its failed steps and the steps its stop cancelled are queued again. */
export async function resumeRun(deps: EngineDeps, runId: string, actor: string) {
  return withRun(deps, runId, async (tx, run, version) => {
    if (!canResumeRun(run.status)) {
      throw conflict(`Run ${run.id} is ${run.status}; only failed or cancelled runs can be resumed.`, { state: run.status });
    }
    const { rows } = await tx.query(`select id, node_id, status, attempt, reason from step_runs where run_id = $1 and iteration = 0 and status = 'failed' for update`, [run.id]);
    const steps = [...rows.map((r) => ({ id: r.id, nodeId: r.node_id, status: r.status, attempt: r.attempt, reason: r.reason })), ...(await collateral(tx, run))];
    if (steps.length === 0) throw conflict(`Run ${run.id} has no failed or cancelled steps to resume.`, { state: run.status });
    await command(tx, run, "resume", actor, { steps: steps.map((s) => s.nodeId) });
    await requeue(tx, deps, run, version, steps, actor, "resumed");
    await resolveDeadLetters(tx, steps.map((s) => s.id), "resumed", actor);
    const status = await advance(tx, deps, run, version, actor);
    return { id: run.id, status };
  });
}

/** Runs a step again now: a failed or cancelled step with a fresh budget, or a scheduled retry without waiting. */
export async function retryStep(deps: EngineDeps, runId: string, nodeId: string, actor: string) {
  return withRun(deps, runId, async (tx, run, version) => {
    const step = await stepOf(tx, run, nodeId, version);
    if (!canRetryStep(step.status, run.status)) {
      throw conflict(`Step ${nodeId} is ${step.status} (run ${run.status}); only failed, cancelled or retry-scheduled steps can be retried.`, {
        state: step.status,
        runState: run.status,
      });
    }
    await command(tx, run, "retry_step", actor, { nodeId });
    const steps = [step, ...(run.status === "failed" ? await collateral(tx, run, [step.id]) : [])];
    await requeue(tx, deps, run, version, steps, actor, "retried by operator");
    await resolveDeadLetters(tx, [step.id], "retried", actor);
    const status = await advance(tx, deps, run, version, actor);
    return { id: run.id, status };
  });
}

/** Marks a step done with a given output (and branch, for a condition), so the run goes on. */
export async function skipStep(deps: EngineDeps, runId: string, nodeId: string, input: { output: unknown; branch?: string }, actor: string) {
  return withRun(deps, runId, async (tx, run, version) => {
    if (!canSkipInRun(run.status)) {
      throw conflict(`Run ${run.id} is ${run.status}; steps can be skipped only in active, failed or compensating runs.`, { state: run.status });
    }
    const step = await stepOf(tx, run, nodeId, version);
    if (!canSkipStep(step.status, run.status)) {
      throw conflict(`Step ${nodeId} is ${step.status}; it cannot be skipped.`, { state: step.status });
    }
    const outputs = stepDefinition(version.node(nodeId).type)?.outputs ?? [];
    if (outputs.length > 1 && !outputs.includes(input.branch ?? "")) {
      throw unprocessable(`Step ${nodeId} branches; say which branch to take.`, [{ path: "branch", message: `Choose the branch to take: ${outputs.join(" or ")}.` }]);
    }
    await command(tx, run, "skip_step", actor, { nodeId, ...(input.branch ? { branch: input.branch } : {}) });
    await tx.query(
      `update step_runs set status = 'skipped', reason = 'operator', output = $2::jsonb, branch = $3, finished_at = clock_timestamp(), heartbeat_at = null,
              wait_until = null, next_attempt_at = null, updated_at = now()
        where id = $1`,
      [step.id, JSON.stringify(input.output ?? null), outputs.length > 1 ? input.branch : null],
    );
    await tx.query(`update step_attempts set status = 'cancelled', finished_at = clock_timestamp() where step_run_id = $1 and status in ('running', 'waiting')`, [step.id]);
    if (step.status === "running") await tx.query(`select pg_notify('baton_cancel', $1)`, [JSON.stringify([step.id])]);
    if (step.status === "waiting") {
      await cancelRequestsOf(tx, [step.id], "the step was skipped", actor);
      await cancelChildRuns(tx, deps, [step.id], actor);
    }
    await insertEvents(tx, [{ runId: run.id, stepRunId: step.id, nodeId, type: "step.skipped", actor, data: { reason: "skipped by operator", attempt: step.attempt } }]);
    if (run.status === "failed") await requeue(tx, deps, run, version, await collateral(tx, run, [step.id]), actor, "run resumed after a skip");
    await resolveDeadLetters(tx, [step.id], "skipped", actor);
    const status = await advance(tx, deps, run, version, actor);
    return { id: run.id, status };
  });
}

/** A new run of the same version that reuses the outputs of the steps before `fromNodeId`. */
export async function replayRun(deps: EngineDeps, runId: string, input: { fromNodeId: string; input?: unknown }, actor: string): Promise<StartedRun> {
  const { rows } = await deps.pool.query(`select workflow_id, input from runs where id = $1`, [runId]);
  if (!rows[0]) throw notFound(`Run ${runId}`);
  const started = await startRun(deps, {
    workflowId: rows[0].workflow_id,
    input: input.input === undefined ? rows[0].input : input.input,
    actor,
    replay: { sourceRunId: runId, fromNodeId: input.fromNodeId },
  });
  await insertEvents(deps.pool, [
    { runId, type: "command.replay", actor, data: { newRunId: started.id, fromNodeId: input.fromNodeId, inputChanged: input.input !== undefined } },
  ]);
  return started;
}

async function openDeadLetter(tx: Sql, id: string) {
  const { rows } = await tx.query(`select id, run_id, step_run_id, node_id, resolved_at, resolution from dead_letters where id = $1 for update`, [id]);
  if (!rows[0]) throw notFound(`Dead letter ${id}`);
  if (rows[0].resolved_at) throw conflict(`Dead letter ${id} is already ${rows[0].resolution}.`, { state: rows[0].resolution });
  return rows[0] as { id: string; run_id: string; step_run_id: string; node_id: string };
}

/** Gives a dead-lettered step a fresh attempt budget and resumes its run. */
export async function requeueDeadLetter(deps: EngineDeps, id: string, actor: string) {
  const { rows } = await deps.pool.query(`select run_id from dead_letters where id = $1`, [id]);
  if (!rows[0]) throw notFound(`Dead letter ${id}`);
  return withRun(deps, rows[0].run_id, async (tx, run, version) => {
    const letter = await openDeadLetter(tx, id);
    const step = await stepOf(tx, run, letter.node_id, version);
    if (step.status !== "failed") throw conflict(`Step ${letter.node_id} is ${step.status}; only a failed step can be requeued.`, { state: step.status });
    await insertEvents(tx, [{ runId: run.id, stepRunId: step.id, nodeId: step.nodeId, type: "command.requeue_dead_letter", actor, data: { deadLetterId: id } }]);
    const steps = [step, ...(run.status === "failed" ? await collateral(tx, run, [step.id]) : [])];
    await requeue(tx, deps, run, version, steps, actor, "requeued from dead letters");
    await resolveDeadLetters(tx, [step.id], "requeued", actor);
    const status = await advance(tx, deps, run, version, actor);
    return { id: run.id, status };
  });
}

/** Drops a dead letter: the run stays failed. */
export async function discardDeadLetter(deps: EngineDeps, id: string, actor: string) {
  return transaction(deps.pool, async (tx) => {
    const letter = await openDeadLetter(tx, id);
    await resolveDeadLetters(tx, [letter.step_run_id], "discarded", actor);
    await insertEvents(tx, [{ runId: letter.run_id, stepRunId: letter.step_run_id, nodeId: letter.node_id, type: "command.discard_dead_letter", actor, data: { deadLetterId: id } }]);
  });
}
