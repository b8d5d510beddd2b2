// What a worker reports about an attempt: claimed, succeeded, failed, waiting, interrupted.
// Each is one transaction, fenced on (step, attempt, status): a late or duplicate report finds
// nothing to update and is dropped, so no attempt's result is ever applied twice.
// Step times use clock_timestamp(), not now() (the transaction's start, before any lock wait),
// so that started/finished times, and the hand-off between steps, are what really happened.
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { RunContext } from "../workflow/templates.ts";
import { log } from "../log.ts";
import { advance, lockRun, loadSteps, syncRunStatus, type LockedRun } from "./advance.ts";
import { backoffDelay, retryPolicy } from "./retry.ts";
import { describeError } from "./errors.ts";
import { insertEvents, type RunEventInput } from "./events.ts";
import { enqueue, type StepJob } from "./jobs.ts";
import { stepFrom } from "./states.ts";
import { transaction, valuesList, type Sql } from "./tx.ts";
import { loadVersion } from "./versions.ts";
import { succeedAndHandOff, type HandOff } from "./hand-off.ts";

export interface EngineDeps {
  pool: pg.Pool;
  boss: PgBoss;
  onDelayedJob?: (at: Date) => void;
}

export interface ClaimedStep {
  runId: string;
  stepRunId: string;
  nodeId: string;
  type: string;
  attempt: number;
  maxAttempts: number;
  workflowId: string;
  versionId: string;
  context: RunContext;
}

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  data?: unknown;
  at: Date;
}

export type Outcome = "applied" | "stale";

/** What a worker hands in with any result: the attempt's log lines and its resolved config. */
export interface Report {
  logs: LogLine[];
  input?: unknown;
}

const inputJson = (report: Report) => (report.input === undefined ? null : JSON.stringify(report.input));

/**
 * Starts an attempt: queued (or retry-scheduled) → running, with its attempt row, its event and
 * the data templates need (outputs of steps that produced one: a branch not taken has none),
 * in one statement. Null when the job is stale (the step was
 * cancelled, already taken, or moved on to another attempt).
 */
export async function claimStep(pool: pg.Pool, job: StepJob, workerId: string): Promise<ClaimedStep | null> {
  const { rows } = await pool.query({
    name: "claim-step",
    text: `with claimed as (
       update step_runs set status = 'running', started_at = clock_timestamp(), heartbeat_at = now(), worker_id = $3,
              next_attempt_at = null, error = null, updated_at = now()
        where id = $1 and attempt = $2 and status = any($4::step_status[])
        returning id, run_id, node_id, type, attempt, max_attempts
     ), attempt_row as (
       insert into step_attempts (step_run_id, attempt, status, worker_id)
       select id, attempt, 'running', $3 from claimed
       on conflict (step_run_id, attempt) do update set status = 'running', started_at = clock_timestamp(), worker_id = $3, finished_at = null, error = null
     ), event as (
       insert into run_events (run_id, step_run_id, node_id, type, actor, data)
       select run_id, id, node_id, 'step.started', $5, jsonb_build_object('attempt', attempt, 'workerId', $3::text) from claimed
     )
     select c.*, r.status as run_status, r.workflow_id, r.version_id, r.input,
            (select coalesce(jsonb_object_agg(o.node_id, jsonb_build_object('output', o.output)), '{}'::jsonb)
               from step_runs o
              where o.run_id = c.run_id and o.iteration = 0
                and (o.status = 'succeeded' or (o.status = 'skipped' and o.reason = 'operator'))) as outputs
       from claimed c join runs r on r.id = c.run_id`,
    values: [job.stepRunId, job.attempt, workerId, stepFrom("running", ["queued", "retry_scheduled"]), `worker:${workerId}`],
  });
  const r = rows[0];
  if (!r) return null;
  if (r.run_status === "queued") {
    // Outside the claim so that it never holds a step lock while waiting for the run's. Best
    // effort: if it fails, the attempt's own result brings the run's status up to date.
    await transaction(pool, async (tx) => {
      const run = await lockRun(tx, r.run_id);
      if (run?.status === "queued") await syncRunStatus(tx, run, await loadSteps(tx, run.id), await loadVersion(tx, run.versionId), `worker:${workerId}`);
    }).catch((error) => log.warn({ err: error, runId: r.run_id }, "could not mark the run started"));
  }
  return claimedFrom(r);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of the claim or read query
function claimedFrom(r: any): ClaimedStep {
  return {
    runId: r.run_id,
    stepRunId: r.id,
    nodeId: r.node_id,
    type: r.type,
    attempt: r.attempt,
    maxAttempts: r.max_attempts,
    workflowId: r.workflow_id,
    versionId: r.version_id,
    context: { input: r.input, steps: r.outputs, run: { id: r.run_id, workflowId: r.workflow_id, attempt: r.attempt } },
  };
}

async function writeLogs(sql: Sql, stepRunId: string, attempt: number, logs: LogLine[]) {
  if (logs.length === 0) return;
  const { text, values } = valuesList(
    logs.map((l) => [stepRunId, attempt, l.level, l.message.slice(0, 10_000), l.data === undefined ? null : JSON.stringify(l.data), l.at]),
    ["uuid", "int", "text", "text", "jsonb", "timestamptz"],
  );
  await sql.query(`insert into step_logs (step_run_id, attempt, level, message, data, at) values ${text}`, values);
}

async function finishAttempt(sql: Sql, stepRunId: string, attempt: number, status: string, error: unknown = null, retryDelayMs: number | null = null) {
  await sql.query(
    `update step_attempts set status = $3, finished_at = clock_timestamp(), error = $4::jsonb, retry_delay_ms = $5
      where step_run_id = $1 and attempt = $2`,
    [stepRunId, attempt, status, error === null ? null : JSON.stringify(error), retryDelayMs],
  );
}

/** The attempt succeeded: record the output and hand off to the steps that became ready. */
export function completeStep(
  deps: EngineDeps,
  step: StepRef,
  result: { output: unknown; branch?: string },
  report: Report,
  actor: string,
): Promise<Outcome> {
  return succeed(deps, step, { from: "running", output: result.output, branch: result.branch, report }, actor);
}

/** A waiting step's timer fired: the wait is over and the step succeeds with its wait output. */
export function resumeWaitingStep(deps: EngineDeps, job: StepJob, actor: string): Promise<Outcome> {
  return succeed(deps, job, { from: "waiting", report: { logs: [] } }, actor);
}

type StepRef = Pick<ClaimedStep, "runId" | "stepRunId" | "attempt"> & Partial<Pick<ClaimedStep, "nodeId" | "versionId">>;

async function succeed(
  deps: EngineDeps,
  step: StepRef,
  how: { from: "running" | "waiting" | "queued"; output?: unknown; branch?: string; report: Report; workerId?: string; startedAt?: Date },
  actor: string,
): Promise<Outcome> {
  const output = how.output === undefined ? null : JSON.stringify(how.output ?? null);
  // Fast path: the successors wait for this step alone, so the engine knows them already.
  const version = step.versionId ? await loadVersion(deps.pool, step.versionId) : undefined;
  const successors = step.nodeId && version ? version.directSuccessors(step.nodeId) : undefined;
  if (version && successors?.length) {
    return transaction(deps.pool, async (tx) => {
      const [applied] = await succeedAndHandOff(tx, deps, [
        {
          runId: step.runId,
          stepRunId: step.stepRunId,
          attempt: step.attempt,
          from: how.from,
          output,
          input: inputJson(how.report),
          actor,
          version,
          successors,
          workerId: how.workerId,
          startedAt: how.startedAt,
        },
      ]);
      if (applied) await writeLogs(tx, step.stepRunId, step.attempt, how.report.logs);
      return applied ? "applied" : "stale";
    });
  }
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    if (!run) return "stale";
    const values = [step.stepRunId, step.attempt, output, how.branch ?? null, inputJson(how.report), actor];
    // One statement: the fenced update, the attempt row and the events. A pure step goes from
    // queued to succeeded here, its start recorded with its result.
    const { rows } = await tx.query(
      how.from === "queued"
        ? {
            name: "succeed-pure-step",
            text: `with done as (
                     update step_runs set status = 'succeeded', output = $3::jsonb, branch = $4, input = $5::jsonb, worker_id = $7,
                            started_at = $8, finished_at = clock_timestamp(), next_attempt_at = null, error = null, updated_at = now()
                      where id = $1 and attempt = $2 and status = any($9::step_status[])
                      returning id, run_id, node_id, started_at, finished_at
                   ), attempt_row as (
                     insert into step_attempts (step_run_id, attempt, status, worker_id, started_at, finished_at)
                     select id, $2, 'succeeded', $7, started_at, finished_at from done
                   ), events as (
                     insert into run_events (run_id, step_run_id, node_id, type, actor, data, at)
                     select run_id, id, node_id, 'step.succeeded', $6,
                            jsonb_strip_nulls(jsonb_build_object('attempt', $2::int, 'branch', $4::text, 'startedAt', started_at, 'workerId', $7::text,
                              'durationMs', round(extract(epoch from finished_at - started_at) * 1000))), finished_at
                       from done
                   )
                   select node_id from done`,
            values: [...values, how.workerId, how.startedAt, stepFrom("running", ["queued", "retry_scheduled"])],
          }
        : {
            name: "succeed-step",
            text: `with done as (
                     update step_runs set status = 'succeeded', output = coalesce($3::jsonb, output), branch = $4, input = coalesce($5::jsonb, input),
                            finished_at = clock_timestamp(), heartbeat_at = null, wait_until = null, updated_at = now()
                      where id = $1 and attempt = $2 and status = $7::step_status
                      returning id, run_id, node_id, started_at, finished_at
                   ), attempt_row as (
                     update step_attempts set status = 'succeeded', finished_at = clock_timestamp()
                      where step_run_id = $1 and attempt = $2 and exists (select 1 from done)
                   ), event as (
                     insert into run_events (run_id, step_run_id, node_id, type, actor, data)
                     select run_id, id, node_id, 'step.succeeded', $6,
                            jsonb_strip_nulls(jsonb_build_object('attempt', $2::int, 'branch', $4::text, 'resumed', $8::boolean,
                              'durationMs', round(extract(epoch from finished_at - started_at) * 1000)))
                       from done
                   )
                   select node_id from done`,
            values: [...values, how.from, how.from === "waiting" ? true : null],
          },
    );
    if (!rows[0]) return "stale";
    await writeLogs(tx, step.stepRunId, step.attempt, how.report.logs);
    await advance(tx, deps, run, await loadVersion(tx, run.versionId), actor, rows[0].node_id);
    return "applied";
  });
}

/**
 * Runs a pure step's result in without a prior claim: the job said the step is pure, so the
 * worker executed it straight from the queue (see StepDefinition.pure).
 */
export function completePureStep(
  deps: EngineDeps,
  step: StepRef,
  result: { output: unknown; branch?: string },
  report: Report,
  actor: string,
  started: { workerId: string; at: Date },
): Promise<Outcome> {
  return succeed(deps, step, { from: "queued", output: result.output, branch: result.branch, report, workerId: started.workerId, startedAt: started.at }, actor);
}

export interface PureResult {
  step: StepRef & { nodeId: string; versionId: string };
  result: { output: unknown; branch?: string };
  report: Report;
  started: { workerId: string; at: Date };
}

/**
 * Records many pure steps' results: those whose successors wait for them alone in one
 * transaction for the whole batch (the engine's throughput path), the others one by one.
 */
export async function completePureSteps(deps: EngineDeps, items: PureResult[], actor: string): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length);
  const fast: { i: number; handOff: HandOff }[] = [];
  for (const [i, item] of items.entries()) {
    const version = await loadVersion(deps.pool, item.step.versionId);
    const successors = version.directSuccessors(item.step.nodeId);
    if (!successors?.length) continue;
    fast.push({
      i,
      handOff: {
        runId: item.step.runId,
        stepRunId: item.step.stepRunId,
        attempt: item.step.attempt,
        from: "queued",
        output: JSON.stringify(item.result.output ?? null),
        input: inputJson(item.report),
        actor,
        version,
        successors,
        workerId: item.started.workerId,
        startedAt: item.started.at,
      },
    });
  }
  if (fast.length) {
    const applied = await transaction(deps.pool, async (tx) => {
      const done = await succeedAndHandOff(tx, deps, fast.map((f) => f.handOff));
      for (const [k, f] of fast.entries()) {
        if (done[k]) await writeLogs(tx, f.handOff.stepRunId, f.handOff.attempt, items[f.i].report.logs);
      }
      return done;
    });
    fast.forEach((f, k) => (outcomes[f.i] = applied[k] ? "applied" : "stale"));
  }
  for (const [i, item] of items.entries()) {
    outcomes[i] ??= await completePureStep(deps, item.step, item.result, item.report, actor, item.started);
  }
  return outcomes;
}

/** What pure steps' attempts need to run, read in one query; null for each stale job. */
export async function readPureSteps(pool: pg.Pool, jobs: StepJob[]): Promise<(ClaimedStep | null)[]> {
  const { rows } = await pool.query({
    name: "read-pure-steps",
    text: `select s.id, s.run_id, s.node_id, s.type, s.attempt, s.max_attempts, r.workflow_id, r.version_id, r.input,
                  (select coalesce(jsonb_object_agg(o.node_id, jsonb_build_object('output', o.output)), '{}'::jsonb)
                     from step_runs o
                    where o.run_id = s.run_id and o.iteration = 0
                      and (o.status = 'succeeded' or (o.status = 'skipped' and o.reason = 'operator'))) as outputs
             from unnest($1::uuid[], $2::int[]) as j(id, attempt)
             join step_runs s on s.id = j.id and s.attempt = j.attempt and s.status = any($3::step_status[])
             join runs r on r.id = s.run_id`,
    values: [jobs.map((j) => j.stepRunId), jobs.map((j) => j.attempt), stepFrom("running", ["queued", "retry_scheduled"])],
  });
  const byId = new Map(rows.map((r) => [r.id as string, claimedFrom(r)]));
  return jobs.map((j) => byId.get(j.stepRunId) ?? null);
}

export type FailureKind = "failed" | "crashed" | "timed_out";

/**
 * The attempt failed. Retryable with attempts left: schedule the next attempt after the
 * backoff (the wait happens in the queue). Otherwise the step fails, lands in the dead letters,
 * and fails the run, whose other open steps are cancelled.
 */
export async function failStep(
  deps: EngineDeps,
  step: Pick<ClaimedStep, "runId" | "stepRunId" | "attempt">,
  error: unknown,
  report: Report,
  actor: string,
  kind: FailureKind = "failed",
): Promise<Outcome> {
  const { logs } = report;
  const info = describeError(error);
  const { retryAfterMs, ...stored } = info;
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    const { rows } = await tx.query(
      `select node_id, attempt, max_attempts from step_runs where id = $1 and attempt = $2 and status = 'running' for update`,
      [step.stepRunId, step.attempt],
    );
    const row = rows[0];
    if (!row || !run) return "stale";
    const version = await loadVersion(tx, run.versionId);
    const node = version.node(row.node_id);
    await writeLogs(tx, step.stepRunId, step.attempt, logs);
    if (report.input !== undefined) await tx.query(`update step_runs set input = $2::jsonb where id = $1`, [step.stepRunId, inputJson(report)]);
    const summary = { message: stored.message, ...(stored.code ? { code: stored.code } : {}), retryable: stored.retryable };

    if (info.retryable && row.attempt < row.max_attempts) {
      // Backoff counts attempts within the current budget: a requeued step starts short again.
      const policy = retryPolicy(node.retry);
      const nth = Math.max(1, row.attempt - (row.max_attempts - policy.maxAttempts));
      const delayMs = retryAfterMs ?? backoffDelay(policy, nth);
      const at = new Date(Date.now() + delayMs);
      await tx.query(
        `update step_runs set status = 'retry_scheduled', attempt = attempt + 1, next_attempt_at = $2, error = $3::jsonb,
                heartbeat_at = null, updated_at = now()
          where id = $1`,
        [step.stepRunId, at, JSON.stringify(stored)],
      );
      await finishAttempt(tx, step.stepRunId, step.attempt, kind, stored, delayMs);
      await insertEvents(tx, [
        {
          runId: run.id,
          stepRunId: step.stepRunId,
          nodeId: row.node_id,
          type: "step.retry_scheduled",
          actor,
          data: { attempt: step.attempt, outcome: kind, nextAttempt: step.attempt + 1, delayMs, at: at.toISOString(), error: summary },
        },
      ]);
      await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt + 1, startAfter: at }]);
      return "applied";
    }

    await tx.query(
      `update step_runs set status = 'failed', error = $2::jsonb, finished_at = clock_timestamp(), heartbeat_at = null, updated_at = now() where id = $1`,
      [step.stepRunId, JSON.stringify(stored)],
    );
    await finishAttempt(tx, step.stepRunId, step.attempt, kind, stored);
    await tx.query(
      `insert into dead_letters (run_id, step_run_id, workflow_id, node_id, attempts, error) values ($1, $2, $3, $4, $5, $6::jsonb)`,
      [run.id, step.stepRunId, run.workflowId, row.node_id, step.attempt, JSON.stringify(stored)],
    );
    const reason = info.retryable ? `attempts exhausted (${step.attempt} of ${row.max_attempts})` : "not retryable";
    await insertEvents(tx, [
      { runId: run.id, stepRunId: step.stepRunId, nodeId: row.node_id, type: "step.failed", actor, data: { attempt: step.attempt, outcome: kind, reason, error: summary } },
      { runId: run.id, stepRunId: step.stepRunId, nodeId: row.node_id, type: "step.dead_lettered", actor, data: { reason } },
    ]);
    await cancelOpenSteps(tx, run, "run_failed", actor);
    await syncRunStatus(tx, run, await loadSteps(tx, run.id), version, actor);
    return "applied";
  });
}

/** The attempt asks to wait (a delay): the step waits in the queue, holding no worker. */
export async function waitStep(
  deps: EngineDeps,
  step: Pick<ClaimedStep, "runId" | "stepRunId" | "attempt">,
  wait: { until: Date; output?: unknown },
  report: Report,
  actor: string,
): Promise<Outcome> {
  const { logs } = report;
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    const { rows } = await tx.query(
      `update step_runs set status = 'waiting', wait_until = $3, output = $4::jsonb, input = coalesce($6::jsonb, input), heartbeat_at = null, updated_at = now()
        where id = $1 and attempt = $2 and status = any($5::step_status[]) returning node_id`,
      [step.stepRunId, step.attempt, wait.until, JSON.stringify(wait.output ?? null), stepFrom("waiting", ["running"]), inputJson(report)],
    );
    if (!rows[0] || !run) return "stale";
    await finishAttempt(tx, step.stepRunId, step.attempt, "waiting");
    await writeLogs(tx, step.stepRunId, step.attempt, logs);
    await insertEvents(tx, [
      { runId: run.id, stepRunId: step.stepRunId, nodeId: rows[0].node_id, type: "step.waiting", actor, data: { attempt: step.attempt, until: wait.until.toISOString(), kind: "timer" } },
    ]);
    await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt, resume: true, startAfter: wait.until }]);
    await syncRunStatus(tx, run, await loadSteps(tx, run.id), await loadVersion(tx, run.versionId), actor);
    return "applied";
  });
}

/** The worker is shutting down mid-attempt: hand the step to another worker at once. The
 * interrupted attempt does not count against the step's budget. */
export async function interruptStep(deps: EngineDeps, step: Pick<ClaimedStep, "runId" | "stepRunId" | "attempt">, actor: string): Promise<Outcome> {
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    const { rows } = await tx.query(
      `update step_runs set status = 'queued', attempt = attempt + 1, max_attempts = max_attempts + 1, queued_at = now(), heartbeat_at = null, updated_at = now()
        where id = $1 and attempt = $2 and status = any($3::step_status[]) returning node_id`,
      [step.stepRunId, step.attempt, stepFrom("queued", ["running"])],
    );
    if (!rows[0] || !run) return "stale";
    await finishAttempt(tx, step.stepRunId, step.attempt, "interrupted", { message: "the worker shut down during the attempt" });
    await insertEvents(tx, [
      { runId: run.id, stepRunId: step.stepRunId, nodeId: rows[0].node_id, type: "step.interrupted", actor, data: { attempt: step.attempt, nextAttempt: step.attempt + 1 } },
    ]);
    await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt + 1 }]);
    return "applied";
  });
}

/**
 * Cancels every open step of a locked run and tells workers running one of them to abort
 * (NOTIFY baton_cancel, delivered at commit). Their late results are fenced out.
 */
export async function cancelOpenSteps(sql: Sql, run: LockedRun, reason: string, actor: string): Promise<string[]> {
  const { rows } = await sql.query(
    `update step_runs set status = 'cancelled', reason = $2, finished_at = clock_timestamp(), heartbeat_at = null, wait_until = null, updated_at = now()
      where run_id = $1 and status = any($3::step_status[])
      returning id, node_id, attempt`,
    [run.id, reason, stepFrom("cancelled", ["pending", "queued", "running", "retry_scheduled", "waiting"])],
  );
  if (rows.length === 0) return [];
  await sql.query(
    `update step_attempts a set status = 'cancelled', finished_at = clock_timestamp()
       from unnest($1::uuid[], $2::int[]) as c(id, attempt)
      where a.step_run_id = c.id and a.attempt = c.attempt and a.status in ('running', 'waiting')`,
    [rows.map((r) => r.id), rows.map((r) => r.attempt)],
  );
  const events: RunEventInput[] = rows.map((r) => ({ runId: run.id, stepRunId: r.id, nodeId: r.node_id, type: "step.cancelled", actor, data: { reason, attempt: r.attempt } }));
  await insertEvents(sql, events);
  await sql.query(`select pg_notify('baton_cancel', $1)`, [JSON.stringify(rows.map((r) => r.id))]);
  return rows.map((r) => r.id);
}
