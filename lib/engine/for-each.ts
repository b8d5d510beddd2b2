// For-each. The step's items are rows (`for_each_items`), written in the transaction in which the
// step begins to wait; each item runs as a child run of the body workflow (input `{ item, index }`,
// idempotency key `<runId>:<nodeId>:<index>`, so an item never gets two), chunk by chunk, at most
// `parallelism` at once. When a child ends (child-runs.ts), its item is recorded, fenced on the item
// still running with that child, and in the same transaction the next items start, or the step
// ends: with the results in item order, or failed per its policy. Everything is in rows, so after a
// crash or a restart any worker goes on from the first unfinished item; no item is redone.
import type { EngineDeps } from "./deps.ts";
import { cancelChildRuns } from "./cancel.ts";
import { insertEvents } from "./events.ts";
import { startRunInTransaction } from "./start-run.ts";
import type { Sql } from "./tx.ts";
import { loadVersion } from "./versions.ts";
import { lockRun } from "./run-lock.ts";
import { forEach } from "../steps/for-each.ts";
import { resumeWaitInTransaction } from "./wait.ts";

export interface ForEachConfig {
  workflowId: string;
  version?: number;
  chunkSize: number;
  parallelism: number;
  onFailure: "fail_fast" | "continue" | "threshold";
  maxFailurePercent: number;
}

interface Parent {
  runId: string;
  stepRunId: string;
  nodeId: string;
  actor: string;
}

const INSERT_BATCH = 1_000;

/** Where a for-each step is, kept in its `progress` (so an item's end costs no count over all items):
 * items before `next` have started, in order; those before `chunkEnd` form the current chunk;
 * `running` of them are out. */
export interface ForEachState {
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  percent: number;
  running: number;
  next: number;
  chunkEnd: number;
}

/** Records the items and starts the first ones (in the transaction of the step's wait). */
export async function beginForEach(tx: Sql, deps: EngineDeps, parent: Parent, items: unknown[], config: ForEachConfig): Promise<void> {
  for (let i = 0; i < items.length; i += INSERT_BATCH) {
    const batch = items.slice(i, i + INSERT_BATCH);
    await tx.query(
      `insert into for_each_items (step_run_id, index, item) select $1, i, v::jsonb from unnest($2::int[], $3::text[]) as u(i, v)`,
      [parent.stepRunId, batch.map((_, k) => i + k), batch.map((item) => JSON.stringify(item ?? null))],
    );
  }
  const state: ForEachState = { total: items.length, done: 0, succeeded: 0, failed: 0, percent: 0, running: 0, next: 0, chunkEnd: Math.min(items.length, config.chunkSize) };
  await startNextItems(tx, deps, parent, config, state);
  await saveState(tx, parent.stepRunId, state);
}

const saveState = (tx: Sql, stepRunId: string, state: ForEachState) => tx.query(`update step_runs set progress = $2::jsonb where id = $1`, [stepRunId, JSON.stringify(state)]);

/** Starts the next items of the current chunk (the next chunk once this one is done), up to the
 * parallelism; `state` is updated in place. */
async function startNextItems(tx: Sql, deps: EngineDeps, parent: Parent, config: ForEachConfig, state: ForEachState): Promise<void> {
  if (state.next >= state.chunkEnd && state.running === 0) state.chunkEnd = Math.min(state.total, state.chunkEnd + config.chunkSize);
  const count = Math.min(config.parallelism - state.running, state.chunkEnd - state.next);
  if (count <= 0) return;
  const { rows: next } = await tx.query(`select index, item from for_each_items where step_run_id = $1 and index >= $2 and index < $3 order by index`, [
    parent.stepRunId,
    state.next,
    state.next + count,
  ]);
  for (const { index, item } of next) {
    const child = await startRunInTransaction(tx, deps, {
      workflowId: config.workflowId,
      version: config.version,
      input: { item, index },
      idempotencyKey: `${parent.runId}:${parent.nodeId}:${index}`,
      actor: parent.actor,
      parent: { runId: parent.runId, stepRunId: parent.stepRunId, nodeId: parent.nodeId },
    });
    await tx.query(`update for_each_items set status = 'running', child_run_id = $3 where step_run_id = $1 and index = $2`, [parent.stepRunId, index, child.id]);
  }
  state.running += next.length;
  state.next += next.length;
}

/** A child run of a for-each step ended: record its item, then go on or end the step. */
export async function forEachItemEnded(
  tx: Sql,
  deps: EngineDeps,
  end: { child_id: string; status: string; output: unknown; error: { message?: string } | null; parent_run_id: string; parent_step_run_id: string },
  actor: string,
): Promise<void> {
  // The run's lock first (the engine's order): ends of one step's items, taken by several workers
  // at once, are applied one after another, so each sees the others' counts.
  await lockRun(tx, end.parent_run_id);
  const { rows: steps } = await tx.query(
    `select s.attempt, s.node_id, s.progress, p.version_id from step_runs s join runs p on p.id = s.run_id where s.id = $1 and s.status = 'waiting' and s.wait_kind = 'items'`,
    [end.parent_step_run_id],
  );
  const step = steps[0];
  if (!step) return;
  const succeeded = end.status === "succeeded";
  const { rows: items } = await tx.query(
    `update for_each_items set status = $3, output = $4::jsonb, error = $5::jsonb where step_run_id = $1 and child_run_id = $2 and status = 'running' returning index`,
    [end.parent_step_run_id, end.child_id, succeeded ? "succeeded" : "failed", succeeded ? JSON.stringify(end.output ?? null) : null, succeeded ? null : JSON.stringify(end.error ?? { message: `the item's run ${end.status}` })],
  );
  if (!items[0]) return;
  const version = await loadVersion(tx, step.version_id);
  // As the definition has it, with the schema's defaults (templates play no part in these fields).
  const config = forEach.config.parse(version.node(step.node_id).config) as ForEachConfig;
  const state = step.progress as ForEachState;
  state.running--;
  state.done++;
  if (succeeded) state.succeeded++;
  else state.failed++;
  const { total, done, failed } = state;
  const before = state.percent;
  state.percent = Math.floor((done / total) * 100);
  // Progress events at each whole percent (at most a hundred per step), so the page follows live.
  if (state.percent !== before) {
    await insertEvents(tx, [{ runId: end.parent_run_id, stepRunId: end.parent_step_run_id, nodeId: step.node_id, type: "step.progress", actor, data: { done, total, failed, percent: state.percent } }]);
  }
  const parent = { runId: end.parent_run_id, stepRunId: end.parent_step_run_id, attempt: step.attempt };
  const overThreshold = config.onFailure === "threshold" && (failed / total) * 100 > config.maxFailurePercent;
  if (!succeeded && (config.onFailure === "fail_fast" || overThreshold)) {
    // Stop: the items still running are cancelled with their runs; their ends find nothing waiting.
    await cancelChildRuns(tx, deps, [end.parent_step_run_id], actor);
    await tx.query(`update for_each_items set status = 'cancelled' where step_run_id = $1 and status in ('pending', 'running')`, [end.parent_step_run_id]);
    await saveState(tx, end.parent_step_run_id, state);
    const why = overThreshold ? `${failed} of ${total} items failed, more than ${config.maxFailurePercent} %` : `item ${items[0].index} failed`;
    await resumeWaitInTransaction(tx, deps, parent, { error: { message: `${why}: ${end.error?.message ?? `its run ${end.status}`}`, code: "item_failed" } }, actor);
    return;
  }
  if (done < total) {
    await startNextItems(tx, deps, { runId: end.parent_run_id, stepRunId: end.parent_step_run_id, nodeId: step.node_id, actor }, config, state);
    await saveState(tx, end.parent_step_run_id, state);
    return;
  }
  await saveState(tx, end.parent_step_run_id, state);
  const { rows: results } = await tx.query(
    `select coalesce(jsonb_agg(output order by index), '[]'::jsonb) as results,
            coalesce(jsonb_agg(jsonb_build_object('index', index, 'error', error) order by index) filter (where status = 'failed'), '[]'::jsonb) as errors
       from for_each_items where step_run_id = $1`,
    [end.parent_step_run_id],
  );
  await resumeWaitInTransaction(tx, deps, parent, { output: { total, succeeded: state.succeeded, failed, results: results[0].results, errors: results[0].errors } }, actor);
}
