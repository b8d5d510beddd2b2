// For-each. The step's items are rows (`for_each_items`), written in the transaction in which the
// step begins to wait. Each item runs its body, chunk by chunk, at most `parallelism` at once:
//  - a drawn body (the node on the for-each's "each item" edge): a step run of that node with
//    iteration index + 1, its templates reading {{ item }} and {{ index }} (claim.ts), its retries
//    its own, its Idempotency-Key `<runId>:<forEachNodeId>:<index>`;
//  - or a workflow: a child run (input `{ item, index }`, idempotency key
//    `<runId>:<nodeId>:<index>`, so an item never gets two).
// When an item's body ends (succeed.ts and fail.ts for a drawn body, child-runs.ts for a child
// run), its item is recorded, fenced on the item still running with that body, and in the same
// transaction the next items start, or the step ends: with the results in item order, or failed
// per its policy. Everything is in rows, so after a crash or a restart any worker goes on from
// the first unfinished item; no item is redone.
import type { EngineDeps } from "./deps.ts";
import { cancelChildRuns, cancelOpenSteps } from "./cancel.ts";
import { createSteps } from "./create-steps.ts";
import { insertEvents } from "./events.ts";
import { enqueue } from "./jobs.ts";
import { retryPolicy } from "./retry.ts";
import { startRunInTransaction } from "./start-run.ts";
import type { Sql } from "./tx.ts";
import { loadVersion, type CompiledVersion } from "./versions.ts";
import { lockRun, type LockedRun } from "./run-lock.ts";
import { forEach } from "../steps/for-each.ts";
import { resumeWaitInTransaction } from "./wait.ts";

export interface ForEachConfig {
  workflowId?: string;
  version?: number;
  chunkSize: number;
  parallelism: number;
  onFailure: "fail_fast" | "continue" | "threshold";
  maxFailurePercent: number;
}

/** The for-each step, where its items start from. */
interface Loop {
  run: LockedRun;
  version: CompiledVersion;
  stepRunId: string;
  nodeId: string;
  attempt: number;
  actor: string;
  config: ForEachConfig;
}

const INSERT_BATCH = 1_000;

/** Where a for-each step is, kept in its `progress` (so an item's end costs no count over all items):
 * no item before `next` is waiting to start; those before `chunkEnd` form the current chunk;
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

/** Records the items and starts the first ones (in the transaction of the step's wait). A later
 * attempt of the step (an operator's retry) keeps the items that succeeded and runs the others again. */
export async function beginForEach(
  tx: Sql,
  deps: EngineDeps,
  waiting: { runId: string; stepRunId: string; nodeId: string; attempt: number; actor: string },
  items: unknown[],
  config: ForEachConfig,
): Promise<void> {
  for (let i = 0; i < items.length; i += INSERT_BATCH) {
    const batch = items.slice(i, i + INSERT_BATCH);
    await tx.query(
      `insert into for_each_items (step_run_id, index, item) select $1, i, v::jsonb from unnest($2::int[], $3::text[]) as u(i, v)
       on conflict (step_run_id, index) do update set item = excluded.item, status = 'pending', child_run_id = null, body_step_run_id = null, output = null, error = null
        where for_each_items.status <> 'succeeded'`,
      [waiting.stepRunId, batch.map((_, k) => i + k), batch.map((item) => JSON.stringify(item ?? null))],
    );
  }
  // Items of an earlier attempt past this one's list (its template now gives fewer) are not its.
  await tx.query(`delete from for_each_items where step_run_id = $1 and index >= $2`, [waiting.stepRunId, items.length]);
  const { rows } = await tx.query(
    `select count(*) filter (where status = 'succeeded')::int as succeeded, coalesce(min(index) filter (where status = 'pending'), $2) as next
       from for_each_items where step_run_id = $1`,
    [waiting.stepRunId, items.length],
  );
  const { succeeded, next } = rows[0];
  const state: ForEachState = { total: items.length, done: succeeded, succeeded, failed: 0, percent: Math.floor((succeeded / items.length) * 100), running: 0, next, chunkEnd: Math.min(items.length, next + config.chunkSize) };
  const run = (await lockRun(tx, waiting.runId))!;
  const loop: Loop = { ...waiting, run, version: await loadVersion(tx, run.versionId), config };
  await startNextItems(tx, deps, loop, state);
  await saveState(tx, loop.stepRunId, state);
}

const saveState = (tx: Sql, stepRunId: string, state: ForEachState) => tx.query(`update step_runs set progress = $2::jsonb where id = $1`, [stepRunId, JSON.stringify(state)]);

/** Starts the next waiting items of the current chunk (the next chunk once this one is done), up
 * to the parallelism; `state` is updated in place. */
async function startNextItems(tx: Sql, deps: EngineDeps, loop: Loop, state: ForEachState): Promise<void> {
  const { config } = loop;
  for (;;) {
    if (state.next >= state.chunkEnd && state.running === 0 && state.chunkEnd < state.total) state.chunkEnd = Math.min(state.total, state.chunkEnd + config.chunkSize);
    const count = Math.min(config.parallelism - state.running, state.chunkEnd - state.next);
    if (count <= 0) return;
    const { rows: next } = await tx.query(
      `select index, item from for_each_items where step_run_id = $1 and index >= $2 and index < $3 and status = 'pending' order by index limit $4`,
      [loop.stepRunId, state.next, state.chunkEnd, count],
    );
    if (next.length === 0) {
      // The rest of this chunk is done already (an earlier attempt's): on to the next one.
      state.next = state.chunkEnd;
      if (state.running > 0 || state.chunkEnd >= state.total) return;
      continue;
    }
    const body = loop.version.graph.body.get(loop.nodeId);
    if (body) await startBodySteps(tx, deps, loop, body, next);
    else await startChildRuns(tx, deps, loop, next);
    state.running += next.length;
    state.next = next.at(-1).index + 1;
    return;
  }
}

/** Items as step runs of the drawn body: new ones, or (a later attempt of the for-each) the
 * item's earlier pass queued again with a fresh budget of attempts. */
async function startBodySteps(tx: Sql, deps: EngineDeps, loop: Loop, body: string, items: { index: number }[]): Promise<void> {
  const reason = (index: number) => `item ${index} of ${loop.nodeId}`;
  const created = await createSteps(
    tx,
    deps,
    items.map(({ index }) => ({ run: loop.run, version: loop.version, nodeId: body, status: "queued" as const, actor: loop.actor, iteration: index + 1, reason: reason(index) })),
  );
  const again = items.filter(({ index }) => !created.some((c) => c.iteration === index + 1)).map(({ index }) => index + 1);
  const { rows: requeued } = again.length
    ? await tx.query(
        `update step_runs set status = 'queued', attempt = attempt + 1, max_attempts = attempt + $4, queued_at = clock_timestamp(), started_at = null, finished_at = null,
                output = null, error = null, reason = null, progress = null, next_attempt_at = null, heartbeat_at = null, updated_at = now()
          where run_id = $1 and node_id = $2 and iteration = any($3::int[]) and status in ('failed', 'cancelled')
          returning id, node_id, iteration, attempt`,
        [loop.run.id, body, again, retryPolicy(loop.version.node(body).retry).maxAttempts],
      )
    : { rows: [] };
  if (requeued.length) {
    await insertEvents(tx, requeued.map((r) => ({ runId: loop.run.id, stepRunId: r.id, nodeId: r.node_id, type: "step.queued" as const, actor: loop.actor, data: { attempt: r.attempt, reason: reason(r.iteration - 1) } })));
    await enqueue(deps, tx, requeued.map((r) => ({ runId: loop.run.id, stepRunId: r.id, attempt: r.attempt })));
  }
  const steps = [...created.map((c) => ({ id: c.id, iteration: c.iteration })), ...requeued.map((r) => ({ id: r.id as string, iteration: r.iteration as number }))];
  // By primary key (index = any), not a join the planner may answer by reading the step's every item.
  await tx.query(
    `update for_each_items set status = 'running', body_step_run_id = ($2::uuid[])[array_position($3::int[], index)] where step_run_id = $1 and index = any($3::int[])`,
    [loop.stepRunId, steps.map((s) => s.id), steps.map((s) => s.iteration - 1)],
  );
}

/** Items as child runs of the workflow the step names (a new run per attempt of the step). */
async function startChildRuns(tx: Sql, deps: EngineDeps, loop: Loop, items: { index: number; item: unknown }[]): Promise<void> {
  for (const { index, item } of items) {
    const child = await startRunInTransaction(tx, deps, {
      workflowId: loop.config.workflowId!,
      version: loop.config.version,
      input: { item, index },
      idempotencyKey: `${loop.run.id}:${loop.nodeId}:${index}${loop.attempt > 1 ? `:${loop.attempt}` : ""}`,
      actor: loop.actor,
      parent: { runId: loop.run.id, stepRunId: loop.stepRunId, nodeId: loop.nodeId },
    });
    await tx.query(`update for_each_items set status = 'running', child_run_id = $3 where step_run_id = $1 and index = $2`, [loop.stepRunId, index, child.id]);
  }
}

/** How an item's body ended: its child run, or its step run (a drawn body). */
export interface ItemEnd {
  /** The child run's id, or the body step run's. */
  bodyId: string;
  succeeded: boolean;
  output?: unknown;
  error?: { message?: string } | null;
}

/** Passes of drawn bodies ended (from succeed.ts and fail.ts): each for-each they belong to takes
 * its ends at once, one statement for all of them, however many a batch holds. */
export async function bodyStepsEnded(tx: Sql, deps: EngineDeps, runId: string, ends: ItemEnd[], actor: string): Promise<void> {
  if (ends.length === 0) return;
  const { rows } = await tx.query(`select body_step_run_id, step_run_id from for_each_items where body_step_run_id = any($1::uuid[])`, [ends.map((e) => e.bodyId)]);
  const loopOf = new Map(rows.map((r) => [r.body_step_run_id as string, r.step_run_id as string]));
  for (const loop of new Set(loopOf.values())) {
    await forEachItemsEnded(tx, deps, { runId, forEachStepRunId: loop, body: "step" }, ends.filter((e) => loopOf.get(e.bodyId) === loop), actor);
  }
}

/** Items' bodies ended: record the items, then go on or end the step (under the run's lock: the
 * ends of one step's items, taken by several workers at once, are applied one after another). */
export async function forEachItemsEnded(tx: Sql, deps: EngineDeps, at: { runId: string; forEachStepRunId: string; body: "child" | "step" }, ends: ItemEnd[], actor: string): Promise<void> {
  const run = (await lockRun(tx, at.runId))!;
  const { rows: steps } = await tx.query(
    `select s.attempt, s.node_id, s.progress from step_runs s where s.id = $1 and s.status = 'waiting' and s.wait_kind = 'items'`,
    [at.forEachStepRunId],
  );
  const step = steps[0];
  if (!step) return;
  const column = at.body === "child" ? "child_run_id" : "body_step_run_id";
  // Fenced on each item still running with that body: a late or repeated end changes nothing.
  // By the body's index (= any), not a join the planner may answer by reading the step's every item.
  const { rows: items } = await tx.query(
    `with u as (select array_position($2::uuid[], ${column}) as k, ctid from for_each_items where ${column} = any($2::uuid[]) and step_run_id = $1 and status = 'running')
     update for_each_items f set status = ($3::text[])[u.k], output = ($4::text[])[u.k]::jsonb, error = ($5::text[])[u.k]::jsonb
       from u where f.ctid = u.ctid
      returning f.index, f.status, f.error`,
    [
      at.forEachStepRunId,
      ends.map((e) => e.bodyId),
      ends.map((e) => (e.succeeded ? "succeeded" : "failed")),
      ends.map((e) => (e.succeeded ? JSON.stringify(e.output ?? null) : null)),
      ends.map((e) => (e.succeeded ? null : JSON.stringify(e.error ?? { message: "the item failed" }))),
    ],
  );
  if (items.length === 0) return;
  const version = await loadVersion(tx, run.versionId);
  // As the definition has it, with the schema's defaults (templates play no part in these fields).
  const config = forEach.config.parse(version.node(step.node_id).config) as ForEachConfig;
  const loop: Loop = { run, version, stepRunId: at.forEachStepRunId, nodeId: step.node_id, attempt: step.attempt, actor, config };
  const state = step.progress as ForEachState;
  const failedNow = items.filter((i) => i.status === "failed").toSorted((a, b) => a.index - b.index);
  state.running -= items.length;
  state.done += items.length;
  state.succeeded += items.length - failedNow.length;
  state.failed += failedNow.length;
  const { total, done, failed } = state;
  const before = state.percent;
  state.percent = Math.floor((done / total) * 100);
  // Progress events at each whole percent (at most a hundred per step), so the page follows live.
  if (state.percent !== before) {
    await insertEvents(tx, [{ runId: run.id, stepRunId: loop.stepRunId, nodeId: loop.nodeId, type: "step.progress", actor, data: { done, total, failed, percent: state.percent } }]);
  }
  const parent = { runId: run.id, stepRunId: loop.stepRunId, attempt: step.attempt };
  const overThreshold = config.onFailure === "threshold" && (failed / total) * 100 > config.maxFailurePercent;
  if (failedNow.length && (config.onFailure === "fail_fast" || overThreshold)) {
    // Stop: the items still running are cancelled with their bodies; their ends find nothing waiting.
    await stopItems(tx, deps, loop);
    await saveState(tx, loop.stepRunId, state);
    const first = failedNow[0];
    const why = overThreshold ? `${failed} of ${total} items failed, more than ${config.maxFailurePercent} %` : `item ${first.index} failed`;
    await resumeWaitInTransaction(tx, deps, parent, { error: { message: `${why}: ${first.error?.message ?? "its body failed"}`, code: "item_failed" } }, actor);
    return;
  }
  if (done < total) {
    await startNextItems(tx, deps, loop, state);
    await saveState(tx, loop.stepRunId, state);
    return;
  }
  await saveState(tx, loop.stepRunId, state);
  const { rows: results } = await tx.query(
    `select coalesce(jsonb_agg(output order by index), '[]'::jsonb) as results,
            coalesce(jsonb_agg(jsonb_build_object('index', index, 'error', error) order by index) filter (where status = 'failed'), '[]'::jsonb) as errors
       from for_each_items where step_run_id = $1`,
    [loop.stepRunId],
  );
  await resumeWaitInTransaction(tx, deps, parent, { output: { total, succeeded: state.succeeded, failed, results: results[0].results, errors: results[0].errors } }, actor);
}

/** The items still out are cancelled (their child runs, or their body steps), and no more start. */
async function stopItems(tx: Sql, deps: EngineDeps, loop: Loop): Promise<void> {
  const { rows } = await tx.query(
    `update for_each_items set status = 'cancelled' where step_run_id = $1 and status in ('pending', 'running') returning body_step_run_id`,
    [loop.stepRunId],
  );
  const bodies = rows.map((r) => r.body_step_run_id as string | null).filter((id): id is string => !!id);
  if (bodies.length) await cancelOpenSteps(tx, deps, loop.run, "for_each_stopped", loop.actor, bodies);
  else await cancelChildRuns(tx, deps, [loop.stepRunId], loop.actor);
}
