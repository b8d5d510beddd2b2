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

/** Records the items and starts the first ones (in the transaction of the step's wait). */
export async function beginForEach(tx: Sql, deps: EngineDeps, parent: Parent, items: unknown[], config: ForEachConfig): Promise<void> {
  for (let i = 0; i < items.length; i += INSERT_BATCH) {
    const batch = items.slice(i, i + INSERT_BATCH);
    await tx.query(
      `insert into for_each_items (step_run_id, index, item) select $1, i, v::jsonb from unnest($2::int[], $3::text[]) as u(i, v)`,
      [parent.stepRunId, batch.map((_, k) => i + k), batch.map((item) => JSON.stringify(item ?? null))],
    );
  }
  await tx.query(`update step_runs set progress = $2::jsonb where id = $1`, [parent.stepRunId, JSON.stringify({ done: 0, total: items.length, succeeded: 0, failed: 0, percent: 0 })]);
  await startNextItems(tx, deps, parent, config);
}

/** Starts pending items of the first unfinished chunk, up to the parallelism. */
async function startNextItems(tx: Sql, deps: EngineDeps, parent: Parent, config: ForEachConfig): Promise<void> {
  const { rows } = await tx.query(
    `select min(index) filter (where status in ('pending', 'running')) as first, count(*) filter (where status = 'running')::int as running
       from for_each_items where step_run_id = $1`,
    [parent.stepRunId],
  );
  if (rows[0].first === null) return;
  const chunkEnd = (Math.floor(rows[0].first / config.chunkSize) + 1) * config.chunkSize;
  const free = config.parallelism - rows[0].running;
  if (free <= 0) return;
  const { rows: next } = await tx.query(
    `select index, item from for_each_items where step_run_id = $1 and status = 'pending' and index < $2 order by index limit $3 for update`,
    [parent.stepRunId, chunkEnd, free],
  );
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
    `select s.attempt, s.node_id, p.version_id from step_runs s join runs p on p.id = s.run_id where s.id = $1 and s.status = 'waiting' and s.wait_kind = 'items'`,
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
  const { rows: counts } = await tx.query(
    `select count(*)::int as total, count(*) filter (where status = 'succeeded')::int as succeeded, count(*) filter (where status = 'failed')::int as failed,
            count(*) filter (where status in ('pending', 'running'))::int as open
       from for_each_items where step_run_id = $1`,
    [end.parent_step_run_id],
  );
  const { total, failed, open } = counts[0];
  const done = total - open;
  const percent = Math.floor((done / total) * 100);
  await tx.query(`update step_runs set progress = $2::jsonb where id = $1`, [end.parent_step_run_id, JSON.stringify({ done, total, succeeded: counts[0].succeeded, failed, percent })]);
  // Progress events at each whole percent (at most a hundred per step), so the page follows live.
  if (percent !== Math.floor(((done - 1) / total) * 100)) {
    await insertEvents(tx, [{ runId: end.parent_run_id, stepRunId: end.parent_step_run_id, nodeId: step.node_id, type: "step.progress", actor, data: { done, total, failed, percent } }]);
  }
  const parent = { runId: end.parent_run_id, stepRunId: end.parent_step_run_id, attempt: step.attempt };
  const overThreshold = config.onFailure === "threshold" && (failed / total) * 100 > config.maxFailurePercent;
  if (!succeeded && (config.onFailure === "fail_fast" || overThreshold)) {
    // Stop: the items still running are cancelled with their runs; their ends find nothing waiting.
    await cancelChildRuns(tx, deps, [end.parent_step_run_id], actor);
    await tx.query(`update for_each_items set status = 'cancelled' where step_run_id = $1 and status in ('pending', 'running')`, [end.parent_step_run_id]);
    const why = overThreshold ? `${failed} of ${total} items failed, more than ${config.maxFailurePercent} %` : `item ${items[0].index} failed`;
    await resumeWaitInTransaction(tx, deps, parent, { error: { message: `${why}: ${end.error?.message ?? `its run ${end.status}`}`, code: "item_failed" } }, actor);
    return;
  }
  if (open > 0) {
    await startNextItems(tx, deps, { runId: end.parent_run_id, stepRunId: end.parent_step_run_id, nodeId: step.node_id, actor }, config);
    return;
  }
  const { rows: results } = await tx.query(
    `select coalesce(jsonb_agg(output order by index), '[]'::jsonb) as results,
            coalesce(jsonb_agg(jsonb_build_object('index', index, 'error', error) order by index) filter (where status = 'failed'), '[]'::jsonb) as errors
       from for_each_items where step_run_id = $1`,
    [end.parent_step_run_id],
  );
  await resumeWaitInTransaction(tx, deps, parent, { output: { total, succeeded: counts[0].succeeded, failed, results: results[0].results, errors: results[0].errors } }, actor);
}
