// Starting an attempt. A step that has effects outside Baton is claimed first (queued → running,
// with its attempt row and event, fenced on step, attempt and status), so that a crash mid-way
// is seen and the attempt counted. A pure step is only read: it runs straight from the queue and
// its start is recorded with its result (succeed.ts).
import type pg from "pg";
import type { RunContext } from "../workflow/templates.ts";
import { log } from "../log.ts";
import { entryStepType } from "../steps/index.ts";
import type { StepJob } from "./jobs.ts";
import { loadSteps, lockRun } from "./run-lock.ts";
import { syncRunStatus } from "./run-status.ts";
import { stepFrom } from "./states.ts";
import { transaction } from "./tx.ts";
import { loadVersion } from "./versions.ts";

export interface ClaimedStep {
  runId: string;
  stepRunId: string;
  nodeId: string;
  type: string;
  attempt: number;
  maxAttempts: number;
  workflowId: string;
  versionId: string;
  /** Stable across attempts (the Idempotency-Key of its calls): `<runId>:<nodeId>`, or for a
   * for-each item `<runId>:<forEachNodeId>:<index>`. */
  key: string;
  context: RunContext;
  /** The run's span (W3C traceparent), when tracing is on: the attempt's span is its child. */
  traceParent: string | null;
}

/** The outputs templates may read: of steps that produced one (a branch not taken has none). The
 * entry step's output is the run's input, read once with the run (it may be large: a for-each's
 * 10,000 items), so here it is null and claimedFrom puts the input there. */
const outputsOf = (run: string) => `(select coalesce(jsonb_object_agg(o.node_id, case when o.type <> '${entryStepType().type}' then jsonb_build_object('output', o.output) end), '{}'::jsonb)
                    from step_runs o
                   where o.run_id = ${run} and o.iteration = 0
                     and (o.status = 'succeeded' or (o.status = 'skipped' and o.reason = 'operator')))`;

/** In a compensation: the step it undoes, as that step ended (never a for-each item's pass). */
const ORIGINAL = `case when s.iteration = 0 then
                    (select jsonb_build_object('nodeId', o.node_id, 'status', o.status, 'input', o.input, 'output', o.output, 'error', o.error)
                       from step_runs o where o.compensated_by = s.id) end as original`;

/** A for-each body's pass: its item, the item's index, and the for-each step's node. */
const EACH = `case when s.iteration > 0 then
                (select jsonb_build_object('item', f.item, 'index', f.index, 'loop', p.node_id)
                   from for_each_items f join step_runs p on p.id = f.step_run_id where f.body_step_run_id = s.id) end as each`;

const STARTABLE = stepFrom("running", ["queued", "retry_scheduled"]);

/** Claims the attempt in one statement; null when the job is stale (the step was cancelled,
 * already taken, or moved on to another attempt). */
export async function claimStep(pool: pg.Pool, job: StepJob, workerId: string): Promise<ClaimedStep | null> {
  const { rows } = await pool.query({
    name: "claim-step",
    text: `with s as (
       update step_runs set status = 'running', started_at = clock_timestamp(), heartbeat_at = now(), worker_id = $3,
              next_attempt_at = null, error = null, progress = null, updated_at = now()
        where id = $1 and attempt = $2 and status = any($4::step_status[])
        returning id, run_id, node_id, iteration, type, attempt, max_attempts
     ), attempt_row as (
       insert into step_attempts (step_run_id, attempt, status, worker_id)
       select id, attempt, 'running', $3 from s
       on conflict (step_run_id, attempt) do update set status = 'running', started_at = clock_timestamp(), worker_id = $3, finished_at = null, error = null
     ), event as (
       insert into run_events (run_id, step_run_id, node_id, type, actor, data)
       select run_id, id, node_id, 'step.started', $5, jsonb_build_object('attempt', attempt, 'workerId', $3::text) from s
     )
     select s.*, r.status as run_status, r.workflow_id, r.version_id, r.input, r.trace_parent, ${outputsOf("s.run_id")} as outputs, ${ORIGINAL}, ${EACH}
       from s join runs r on r.id = s.run_id`,
    values: [job.stepRunId, job.attempt, workerId, STARTABLE, `worker:${workerId}`],
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

const READ_PURE_STEPS = `select s.id, s.run_id, s.node_id, s.iteration, s.type, s.attempt, s.max_attempts, r.workflow_id, r.version_id, r.trace_parent, ${ORIGINAL}, ${EACH}
             from unnest($1::uuid[], $2::int[]) as j(id, attempt)
             join step_runs s on s.id = j.id and s.attempt = j.attempt and s.status = any($3::step_status[])
             join runs r on r.id = s.run_id`;

/** What pure steps' attempts need to run; null for each stale job. A batch's jobs are often of
 * one run (a for-each's items): its input and outputs are read once, not once per job. */
export async function readPureSteps(pool: pg.Pool, jobs: StepJob[]): Promise<(ClaimedStep | null)[]> {
  const { rows } = await pool.query({
    name: "read-pure-steps",
    text: READ_PURE_STEPS,
    values: [jobs.map((j) => j.stepRunId), jobs.map((j) => j.attempt), STARTABLE],
  });
  const { rows: runs } = rows.length
    ? await pool.query({
        name: "read-pure-step-runs",
        text: `select r.id, r.input, ${outputsOf("r.id")} as outputs from runs r where r.id = any($1::uuid[])`,
        values: [[...new Set(rows.map((r) => r.run_id as string))]],
      })
    : { rows: [] };
  const runById = new Map(runs.map((r) => [r.id as string, r]));
  const byId = new Map(rows.map((r) => [r.id as string, claimedFrom({ ...r, ...runById.get(r.run_id), id: r.id })]));
  return jobs.map((j) => byId.get(j.stepRunId) ?? null);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of the claim or read query
function claimedFrom(r: any): ClaimedStep {
  const each = r.each as { item: unknown; index: number; loop: string } | null;
  return {
    runId: r.run_id,
    stepRunId: r.id,
    nodeId: r.node_id,
    type: r.type,
    attempt: r.attempt,
    maxAttempts: r.max_attempts,
    workflowId: r.workflow_id,
    versionId: r.version_id,
    key: each ? `${r.run_id}:${each.loop}:${each.index}` : `${r.run_id}:${r.node_id}`,
    traceParent: r.trace_parent ?? null,
    context: {
      input: r.input,
      // The entry step's output is the input (null in the row: see outputsOf).
      steps: Object.fromEntries(Object.entries(r.outputs as Record<string, { output: unknown } | null>).map(([id, o]) => [id, o ?? { output: r.input }])),
      run: { id: r.run_id, workflowId: r.workflow_id, attempt: r.attempt },
      ...(r.original ? { original: r.original } : {}),
      ...(each ? { item: each.item, index: each.index } : {}),
    },
  };
}
