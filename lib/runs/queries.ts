// Reading runs: lists with filters and keyset cursors, one run with its steps and attempts, a
// step's logs, events, dead letters. Plain SQL: the stuck rule (stuck.ts) is SQL, and a run and
// its steps are read in one snapshot whose description goes to the client, which then knows
// which streamed events the response already includes (lib/live/snapshot.ts).
import type pg from "pg";
import { traceIdOf } from "../tracing/tracing.ts";
import { env } from "../env.ts";
import type { z } from "zod";
import { pool as defaultPool } from "../db.ts";
import { notFound } from "../api/errors.ts";
import { decodeCursor, encodeCursor } from "../api/cursor.ts";
import type { listDeadLettersQuery, listEventsQuery, listRunsQuery, listStepItemsQuery, listStepLogsQuery } from "../workflows/schemas.ts";
import { activeRunStatuses, doneStepStatuses, type RunStatus } from "../engine/states.ts";
import { describeStuck, stuckAfterSeconds, stuckStepsSql, type StuckKind } from "./stuck.ts";
import { runProgress } from "./progress.ts";
import { loadVersion } from "../engine/versions.ts";
import type { Sql } from "../engine/tx.ts";

type Queryable = Pick<pg.Pool, "query">;

export const statusUrl = (id: string) => `/api/v1/runs/${id}`;

/** `in` list of the active run statuses (constants of states.ts, not input). */
const ACTIVE = `(${activeRunStatuses.map((s) => `'${s}'`).join(", ")})`;
const DONE_STEPS = `(${doneStepStatuses.map((s) => `'${s}'`).join(", ")})`;

/** Runs with their workflow's name and first stuck step; `$1` is the stuck threshold. */
const runRows = (extraColumns = "") => `
  select r.id, r.workflow_id, w.name as workflow_name, r.version_number, r.version_reason, r.trace_parent, r.status, r.error, r.idempotency_key,
         r.correlation_id, r.replay_of, r.created_by, r.created_at, r.created_at::text as created_key, r.started_at,
         r.finished_at, st.node_id as stuck_node, st.kind as stuck_kind, st.since as stuck_since,
         r.trigger_id, tr.kind as trigger_kind, tr.name as trigger_name, r.held_at, r.version_id, prog.steps_done, prog.open_progress${extraColumns}
    from runs r
    join workflows w on w.id = r.workflow_id
    left join triggers tr on tr.id = r.trigger_id
    left join lateral (
      select count(*) filter (where s.status in ${DONE_STEPS})::int as steps_done,
             (array_agg(s.progress order by s.started_at) filter (where s.progress is not null and s.status in ('running', 'waiting')))[1] as open_progress
        from step_runs s where s.run_id = r.id and s.iteration = 0
    ) prog on r.status in ${ACTIVE}
    left join lateral (
      select * from (${stuckStepsSql("$1")}) stuck where r.status in ${ACTIVE} limit 1
    ) st on true`;

/** Adds `steps_total` (the steps each active run can take, from its version) to rows of runRows. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of runRows
async function addStepTotals(rows: any[], sql: Sql) {
  const active = rows.filter((r) => r.steps_done !== null);
  const versions = new Map(await Promise.all([...new Set(active.map((r) => r.version_id as string))].map(async (id) => [id, await loadVersion(sql, id)] as const)));
  for (const r of active) r.steps_total = versions.get(r.version_id)!.stepsTotal;
  return rows;
}

function traceOf(traceParent: string | null): { id: string; url: string | null } | null {
  const id = traceIdOf(traceParent);
  return id ? { id, url: env.BATON_TRACE_URL ? env.BATON_TRACE_URL.replaceAll("{traceId}", id) : null } : null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of RUN_ROWS
function presentRun(r: any) {
  return {
    id: r.id as string,
    workflowId: r.workflow_id as string,
    workflowName: r.workflow_name as string,
    version: r.version_number as number,
    /** Why this version: stable (active), canary (a rollout chose it), pinned, replay. */
    versionReason: r.version_reason as "stable" | "canary" | "pinned" | "replay",
    /** Its trace (when tracing was on as it started), and where to see it (BATON_TRACE_URL). */
    trace: traceOf(r.trace_parent),
    status: r.status as RunStatus,
    error: r.error,
    idempotencyKey: r.idempotency_key as string | null,
    correlationId: r.correlation_id as string | null,
    replayOf: r.replay_of as string | null,
    /** The trigger that started it (a deleted trigger keeps its name here). */
    trigger: r.trigger_id ? { id: r.trigger_id as string, kind: r.trigger_kind as string, name: r.trigger_name as string } : null,
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
    startedAt: r.started_at as Date | null,
    finishedAt: r.finished_at as Date | null,
    durationMs: r.started_at && r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
    /** Queued behind its workflow's limit of active runs since then (run-slots.ts). */
    heldSince: r.status === "queued" ? (r.held_at as Date | null) : null,
    /** How far an active run is (null once it ended): see lib/runs/progress.ts. */
    progress: r.steps_done === null || r.steps_done === undefined ? null : runProgress(r.steps_done, r.steps_total ?? 0, r.open_progress),
    stuck: r.stuck_node ? describeStuck({ node_id: r.stuck_node, kind: r.stuck_kind as StuckKind, since: r.stuck_since }) : null,
    statusUrl: statusUrl(r.id),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Newest first. The cursor is the last run of the previous page. */
export async function listRuns(query: z.infer<typeof listRunsQuery>, pool: Queryable = defaultPool()) {
  const values: unknown[] = [stuckAfterSeconds()];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  if (query.workflowId) where.push(`r.workflow_id = ${param(query.workflowId)}`);
  if (query.triggerId) where.push(`r.trigger_id = ${param(query.triggerId)}`);
  if (query.status) where.push(`r.status = ${param(query.status)}::run_status`);
  if (query.from) where.push(`r.created_at >= ${param(query.from)}`);
  if (query.to) where.push(`r.created_at < ${param(query.to)}`);
  if (query.stuck !== undefined) where.push(`st.node_id is ${query.stuck ? "not " : ""}null`);
  if (query.q) {
    const q = param(query.q);
    where.push(`(r.correlation_id = ${q} or r.idempotency_key = ${q}${UUID.test(query.q) ? ` or r.id = ${q}::uuid` : ""})`);
  }
  const after = decodeCursor(query.cursor);
  if (after) where.push(`(r.created_at, r.id) < (${param(after.key)}::timestamptz, ${param(after.id)}::uuid)`);
  const { rows } = await pool.query(
    `select *, pg_current_snapshot()::text as snapshot from (${runRows()}
      ${where.length ? `where ${where.join(" and ")}` : ""}
      order by r.created_at desc, r.id desc limit ${param(query.limit + 1)}) page
      order by page.created_at desc, page.id desc`,
    values,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    runs: (await addStepTotals(page, pool)).map(presentRun),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_key, last.id) : null,
    // The database snapshot the page was read in, or null for an empty page.
    snapshot: (rows[0]?.snapshot as string | undefined) ?? null,
  };
}

export async function assertRunExists(id: string, pool: Queryable = defaultPool()): Promise<void> {
  const { rowCount } = await pool.query(`select 1 from runs where id = $1`, [id]);
  if (!rowCount) throw notFound(`Run ${id}`);
}

/** The nodes of a run's version that run per item of a for-each (drawn on an "each item" edge):
 * their passes are items, shown by their for-each's progress and items, not one by one. 404 for no run. */
export async function runItemNodes(id: string, pool: Queryable = defaultPool()): Promise<string[]> {
  const { rows } = await pool.query(
    `select coalesce((select array_agg(e->>'target') from jsonb_array_elements(v.definition->'edges') e where e->>'kind' = 'body'), '{}') as nodes
       from runs r join workflow_versions v on v.id = r.version_id where r.id = $1`,
    [id],
  );
  if (!rows[0]) throw notFound(`Run ${id}`);
  return rows[0].nodes;
}

/** One run with its steps and their attempts, read in one snapshot (described in `snapshot`). */
export async function getRun(id: string, pool: pg.Pool = defaultPool()) {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    const { rows: snap } = await client.query(`select pg_current_snapshot()::text as snapshot`);
    const { rows } = await client.query(
      `${runRows(", r.input, r.output, r.deadline_at, r.parent_run_id, (select node_id from step_runs where id = r.parent_step_run_id) as parent_node_id, pw.name as parent_workflow_name")}
         left join runs pr on pr.id = r.parent_run_id left join workflows pw on pw.id = pr.workflow_id
        where r.id = $2`,
      [stuckAfterSeconds(), id],
    );
    if (!rows[0]) throw notFound(`Run ${id}`);
    const steps = await client.query(
      `select s.id, s.node_id, s.iteration, s.type, s.status, s.attempt, s.max_attempts, s.input, s.output, s.branch, s.error,
              s.reason, s.progress, s.worker_id, s.queued_at, s.started_at, s.finished_at, s.heartbeat_at, s.next_attempt_at,
              s.wait_until, s.wait_kind, s.reused_from,
              coalesce((select jsonb_agg(jsonb_build_object('attempt', a.attempt, 'status', a.status, 'workerId', a.worker_id,
                                   'startedAt', a.started_at, 'finishedAt', a.finished_at, 'error', a.error,
                                   'retryDelayMs', a.retry_delay_ms) order by a.attempt)
                          from step_attempts a where a.step_run_id = s.id), '[]'::jsonb) as attempts
         from step_runs s where s.run_id = $1 and s.iteration = 0 order by s.created_at, s.node_id`,
      [id],
    );
    const callback = await client.query(
      `select r.callback_url, c.status, c.attempts, c.last_error, c.delivered_at, c.next_attempt_at
         from runs r left join lateral (select * from run_callbacks where run_id = r.id order by id desc limit 1) c on true
        where r.id = $1 and r.callback_url is not null`,
      [id],
    );
    // Sub-workflows: the runs its steps started, newest attempt last.
    const children = await client.query(
      `select c.id, c.status, w.name as workflow_name, s.node_id, c.created_at
         from runs c join workflows w on w.id = c.workflow_id join step_runs s on s.id = c.parent_step_run_id
        where c.parent_run_id = $1 order by c.created_at limit 200`,
      [id],
    );
    const stuck = await client.query(
      `select stuck.* from runs r join lateral (${stuckStepsSql("$2")}) stuck on true where r.id = $1 and r.status in ${ACTIVE}`,
      [id, stuckAfterSeconds()],
    );
    await client.query("commit");
    const r = (await addStepTotals(rows, client))[0];
    return {
      ...presentRun(r),
      input: r.input,
      output: r.output,
      deadlineAt: r.deadline_at as Date | null,
      /** A sub-workflow's run: the run and step that started it. */
      parent: r.parent_run_id ? { runId: r.parent_run_id as string, nodeId: r.parent_node_id as string, workflowName: r.parent_workflow_name as string } : null,
      children: children.rows.map((c) => ({ id: c.id as string, status: c.status as RunStatus, workflowName: c.workflow_name as string, nodeId: c.node_id as string, createdAt: c.created_at as Date })),
      stuckSteps: stuck.rows.map(describeStuck),
      // Where the result goes when the run ends (the host only: URLs may carry secrets).
      callback: callback.rows[0]
        ? {
            host: URL.parse(callback.rows[0].callback_url)?.host ?? null,
            status: (callback.rows[0].status as string | null) ?? "waiting for the run to end",
            attempts: (callback.rows[0].attempts as number | null) ?? 0,
            lastError: callback.rows[0].last_error as string | null,
            deliveredAt: callback.rows[0].delivered_at as Date | null,
            nextAttemptAt: callback.rows[0].status === "pending" ? (callback.rows[0].next_attempt_at as Date) : null,
          }
        : null,
      steps: steps.rows.map((s) => ({
        id: s.id as string,
        nodeId: s.node_id as string,
        iteration: s.iteration as number,
        type: s.type as string,
        status: s.status as string,
        attempt: s.attempt as number,
        maxAttempts: s.max_attempts as number,
        input: s.input,
        output: s.output,
        branch: s.branch as string | null,
        error: s.error,
        reason: s.reason as string | null,
        progress: s.progress,
        workerId: s.worker_id as string | null,
        queuedAt: s.queued_at as Date | null,
        startedAt: s.started_at as Date | null,
        finishedAt: s.finished_at as Date | null,
        heartbeatAt: s.heartbeat_at as Date | null,
        nextAttemptAt: s.next_attempt_at as Date | null,
        waitUntil: s.wait_until as Date | null,
        waitKind: s.wait_kind as string | null,
        reusedFrom: s.reused_from as string | null,
        attempts: s.attempts,
      })),
      /** The database snapshot this was read in: streamed events it already includes are visible in it. */
      snapshot: snap[0].snapshot as string,
    };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** A for-each step's items in index order (page with ?after=<last index>), with counts by state.
 * An item run by a drawn body has the attempts of its step run; one run by a workflow, its child run. */
export async function listStepItems(runId: string, nodeId: string, query: z.infer<typeof listStepItemsQuery>, pool: Queryable = defaultPool()) {
  const { rows: steps } = await pool.query(`select id from step_runs where run_id = $1 and node_id = $2 and iteration = 0`, [runId, nodeId]);
  if (!steps[0]) {
    await assertRunExists(runId, pool);
    throw notFound(`Step ${nodeId} of run ${runId}`);
  }
  const { rows } = await pool.query(
    `select f.index, f.status, f.item, f.output, f.error, f.child_run_id, f.body_step_run_id, b.attempt, b.status as body_status
       from for_each_items f left join step_runs b on b.id = f.body_step_run_id
      where f.step_run_id = $1 and ($2::text is null or f.status = $2) and f.index > $3
      order by f.index limit $4`,
    [steps[0].id, query.status ?? null, query.after ?? -1, query.limit + 1],
  );
  const { rows: counts } = await pool.query(`select status, count(*)::int as n from for_each_items where step_run_id = $1 group by status`, [steps[0].id]);
  const page = rows.slice(0, query.limit);
  return {
    counts: Object.fromEntries(counts.map((c) => [c.status as string, c.n as number])) as Record<string, number>,
    items: page.map((r) => ({
      index: r.index as number,
      status: r.status as string,
      item: r.item,
      output: r.output,
      error: r.error,
      childRunId: r.child_run_id as string | null,
      stepRunId: r.body_step_run_id as string | null,
      /** A drawn body's step: its state (queued, retry_scheduled...) and attempt so far. */
      step: r.body_status ? { status: r.body_status as string, attempt: r.attempt as number } : null,
    })),
    nextCursor: rows.length > query.limit ? page.at(-1)!.index : null,
  };
}

/** A step's log lines, oldest first; page with ?after=<last id>. */
export async function listStepLogs(runId: string, nodeId: string, query: z.infer<typeof listStepLogsQuery>, pool: Queryable = defaultPool()) {
  const { rows: steps } = await pool.query(`select id from step_runs where run_id = $1 and node_id = $2 and iteration = 0`, [runId, nodeId]);
  if (!steps[0]) {
    await assertRunExists(runId, pool);
    throw notFound(`Step ${nodeId} of run ${runId}`);
  }
  const { rows } = await pool.query<{ id: string; attempt: number; level: string; message: string; data: unknown; at: Date }>(
    `select id::text, attempt, level, message, data, at from step_logs
      where step_run_id = $1 and ($2::int is null or attempt = $2) and id > $3 order by step_logs.id limit $4`,
    [steps[0].id, query.attempt ?? null, (query.after ?? 0n).toString(), query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  return { logs: page, nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

export async function listRunEvents(runId: string, query: z.infer<typeof listEventsQuery>, pool: Queryable = defaultPool()) {
  await assertRunExists(runId, pool);
  const { rows } = await pool.query(
    `select id::text, xid::text || '-' || id::text as position, step_run_id as "stepRunId", node_id as "nodeId", type, actor, data, at
       from run_events where run_id = $1 and id > $2 order by run_events.id limit $3`,
    [runId, (query.after ?? 0n).toString(), query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  return { events: page, nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

interface DeadLetterRow {
  id: string;
  runId: string;
  stepRunId: string;
  workflowId: string;
  /** Null when the workflow is gone. */
  workflowName: string | null;
  nodeId: string;
  attempts: number;
  /** The failed step's last error (details.status: an HTTP step's response status). */
  error: { message?: string; code?: string; details?: { status?: number } & Record<string, unknown> };
  createdAt: Date;
  created_key: string;
  resolvedAt: Date | null;
  resolution: string | null;
  resolvedBy: string | null;
}

export async function listDeadLetters(query: z.infer<typeof listDeadLettersQuery>, pool: Queryable = defaultPool()) {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  if (query.status === "open") where.push(`d.resolved_at is null`);
  if (query.status === "resolved") where.push(`d.resolved_at is not null`);
  const after = decodeCursor(query.cursor);
  if (after) where.push(`(d.created_at, d.id) < (${param(after.key)}::timestamptz, ${param(after.id)}::uuid)`);
  const { rows } = await pool.query<DeadLetterRow>(
    `select d.id, d.run_id as "runId", d.step_run_id as "stepRunId", d.workflow_id as "workflowId", w.name as "workflowName",
            d.node_id as "nodeId", d.attempts, d.error, d.created_at as "createdAt", d.created_at::text as created_key,
            d.resolved_at as "resolvedAt", d.resolution, d.resolved_by as "resolvedBy"
       from dead_letters d left join workflows w on w.id = d.workflow_id
      ${where.length ? `where ${where.join(" and ")}` : ""}
      order by d.created_at desc, d.id desc limit ${param(query.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    deadLetters: page.map(({ created_key: _, ...d }) => ({ ...d, runUrl: statusUrl(d.runId) })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_key, last.id) : null,
  };
}
