// Dependencies as objects (the Dependencies page and /api/v1/dependencies): each one's breaker
// state, its window's calls and failures, the steps waiting on it, its history; operators change
// its settings, force it open or reset it (audited, and written as dependency events).
import type { z } from "zod";
import { pool as defaultPool } from "../db.ts";
import { notFound } from "../api/errors.ts";
import type { EngineDeps } from "../engine/deps.ts";
import { enqueue } from "../engine/jobs.ts";
import { transaction, type Sql } from "../engine/tx.ts";
import type pg from "pg";
import { DEPENDENCY_KEY, type dependencySettingsBody } from "./schemas.ts";

/** A key in a path: the name of a dependency, else it names nothing. */
export function dependencyKeyParam(value: string | undefined): string {
  const key = decodeURIComponent(value ?? "");
  if (!DEPENDENCY_KEY.test(key)) throw notFound(`Dependency ${key}`.trim());
  return key;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of dependencies
function present(r: any) {
  const expired = r.window_started_at.getTime() < Date.now() - r.window_ms;
  const calls = expired ? 0 : (r.calls as number);
  const failures = expired ? 0 : (r.failures as number);
  return {
    key: r.key as string,
    state: r.state as string,
    forced: r.forced as boolean,
    settings: { failureThreshold: r.failure_threshold, windowMs: r.window_ms, coolDownMs: r.cool_down_ms, halfOpenProbes: r.half_open_probes, ratePerSecond: r.rate_per_second as number | null, burst: r.burst as number, maxConcurrent: r.max_concurrent as number | null },
    window: { startedAt: r.window_started_at as Date, calls, failures, failureRate: calls ? failures / calls : 0 },
    openedAt: r.opened_at as Date | null,
    openUntil: r.open_until as Date | null,
    lastError: r.last_error as string | null,
    waiting: Number(r.waiting ?? 0),
    /** Calls under way now, when it has a concurrency limit (the steps holding its slots). */
    inFlight: Number(r.in_flight ?? 0),
    updatedAt: r.updated_at as Date,
  };
}

/** The counts of a dependency row: steps held on it, and calls holding its concurrency slots. */
const COUNTS = `(select count(*) from dependency_waits w where w.key = d.key) as waiting,
  (select count(*) from concurrency_slots c join step_runs s on s.id = c.step_run_id and s.status = 'running'
    where c.scope = 'dependency:' || d.key and c.active) as in_flight`;

/** Waits of steps that have moved on are dropped first, so the counts are of steps still held. */
async function pruneWaits(sql: Sql) {
  await sql.query(
    `delete from dependency_waits w where not exists (select 1 from step_runs s where s.id = w.step_run_id and s.status = 'queued' and s.reason like 'waiting: %')`,
  );
}

export async function listDependencies(pool: pg.Pool = defaultPool()) {
  await pruneWaits(pool);
  const { rows } = await pool.query(
    `select d.*, ${COUNTS} from dependencies d
      order by case d.state when 'open' then 0 when 'half_open' then 1 else 2 end, d.key limit 500`,
  );
  return rows.map(present);
}

export async function getDependency(key: string, pool: pg.Pool = defaultPool()) {
  await pruneWaits(pool);
  const { rows } = await pool.query(`select d.*, ${COUNTS} from dependencies d where d.key = $1`, [key]);
  if (!rows[0]) throw notFound(`Dependency ${key}`);
  const events = await pool.query(`select id::text, type, actor, data, at from dependency_events where key = $1 order by id desc limit 50`, [key]);
  const waits = await pool.query(
    `select w.run_id as "runId", w.node_id as "nodeId", w.until, wf.name as "workflowName"
       from dependency_waits w join runs r on r.id = w.run_id join workflows wf on wf.id = r.workflow_id
      where w.key = $1 order by w.until limit 100`,
    [key],
  );
  return { ...present(rows[0]), events: events.rows, waitingSteps: waits.rows };
}

async function record(sql: Sql, key: string, type: string, actor: string, data: Record<string, unknown> = {}) {
  await sql.query(`insert into dependency_events (key, type, actor, data) values ($1, $2, $3, $4::jsonb)`, [key, type, actor, JSON.stringify(data)]);
  await sql.query(`insert into audit_entries (actor, action, target_type, target_id, data) values ($1, $2, 'dependency', $3, $4::jsonb)`, [actor, `dependency.${type}`, key, JSON.stringify(data)]);
}

export async function updateDependency(key: string, settings: z.infer<typeof dependencySettingsBody>, actor: string, pool: pg.Pool = defaultPool()) {
  await transaction(pool, async (tx) => {
    await tx.query(`insert into dependencies (key) values ($1) on conflict (key) do nothing`, [key]);
    await tx.query(
      `update dependencies set failure_threshold = coalesce($2, failure_threshold), window_ms = coalesce($3, window_ms), cool_down_ms = coalesce($4, cool_down_ms),
              half_open_probes = coalesce($5, half_open_probes),
              rate_per_second = case when $6 then $7::float8 else rate_per_second end,
              burst = coalesce($8, burst), tokens = least(tokens, coalesce($8, burst)),
              max_concurrent = case when $9 then $10::int else max_concurrent end, updated_at = now() where key = $1`,
      [
        key,
        settings.failureThreshold ?? null,
        settings.windowMs ?? null,
        settings.coolDownMs ?? null,
        settings.halfOpenProbes ?? null,
        settings.ratePerSecond !== undefined,
        settings.ratePerSecond ?? null,
        settings.burst ?? null,
        settings.maxConcurrent !== undefined,
        settings.maxConcurrent ?? null,
      ],
    );
    await record(tx, key, "settings_changed", actor, settings);
  });
  return getDependency(key, pool);
}

/** Opens the breaker until someone resets it: steps on it wait. */
export async function forceOpen(key: string, actor: string, pool: pg.Pool = defaultPool()) {
  await transaction(pool, async (tx) => {
    await tx.query(`insert into dependencies (key) values ($1) on conflict (key) do nothing`, [key]);
    await tx.query(`update dependencies set state = 'open', forced = true, opened_at = now(), open_until = null, probes_in_flight = 0, updated_at = now() where key = $1`, [key]);
    await record(tx, key, "forced_open", actor);
  });
  return getDependency(key, pool);
}

/** Closes the breaker and lets the steps waiting on it go at once. */
export async function resetDependency(deps: EngineDeps, key: string, actor: string) {
  await transaction(deps.pool, async (tx) => {
    const { rowCount } = await tx.query(
      `update dependencies set state = 'closed', forced = false, failures = 0, calls = 0, probes_in_flight = 0, window_started_at = now(), opened_at = null, open_until = null,
              updated_at = now() where key = $1`,
      [key],
    );
    if (!rowCount) throw notFound(`Dependency ${key}`);
    await record(tx, key, "reset", actor);
    // Their delayed job stays; a second one now runs them, and the later one finds them moved on.
    const { rows } = await tx.query(
      `select s.id, s.run_id, s.attempt from dependency_waits w join step_runs s on s.id = w.step_run_id and s.status = 'queued' where w.key = $1 for update of s`,
      [key],
    );
    await enqueue(deps, tx, rows.map((r) => ({ runId: r.run_id, stepRunId: r.id, attempt: r.attempt, resent: new Date().toISOString() })));
    await tx.query(`select pg_notify('baton_dependencies', $1)`, [key]);
  });
  return getDependency(key, deps.pool);
}
