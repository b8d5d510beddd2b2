// The dashboard's figures for a time window: runs by status, throughput and failures over time,
// run and step durations (p50/p95), queue depths, dead letters, stuck runs, live workers.
// Windows select runs by creation time (indexed). Step percentiles come from the steps of the
// window's latest runs (a bounded sample), so the dashboard costs the same at any volume. One
// computation per window serves every viewer for a couple of seconds.
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { pool as defaultPool } from "../db.ts";
import { recentProcessEvents, WORKER_STALE_MS } from "../health.ts";
import { activeRunStatuses } from "../engine/states.ts";
import { describeStuck, stuckAfterSeconds, stuckStepsSql } from "./stuck.ts";

export const WINDOWS = {
  "15m": { ms: 15 * 60_000, bucketSeconds: 30 },
  "1h": { ms: 3_600_000, bucketSeconds: 60 },
  "24h": { ms: 86_400_000, bucketSeconds: 30 * 60 },
  "7d": { ms: 7 * 86_400_000, bucketSeconds: 6 * 3600 },
} as const;
export type StatsWindow = keyof typeof WINDOWS;

/** Steps of this many of the window's newest runs make the step-duration sample. */
const STEP_SAMPLE_RUNS = 1_000;
const CACHE_MS = 2_000;

const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));

async function compute(window: StatsWindow, pool: pg.Pool, boss: PgBoss | null) {
  const { ms: span, bucketSeconds } = WINDOWS[window];
  const since = new Date(Date.now() - span);
  const [active, series, totals, steps, letters, stuck, workers, queues, processes] = await Promise.all([
    pool.query(`select status, count(*)::int as n from runs where status = any($1::run_status[]) group by status`, [activeRunStatuses]),
    pool.query(
      // Every bucket of the window, empty ones included, so that charts span the whole window.
      `with buckets as (
         select generate_series(date_bin(make_interval(secs => $2), $1::timestamptz, timestamptz '2000-01-01'),
                                date_bin(make_interval(secs => $2), now(), timestamptz '2000-01-01'),
                                make_interval(secs => $2)) as t
       ), agg as (
         select date_bin(make_interval(secs => $2), created_at, timestamptz '2000-01-01') as t,
                count(*)::int as started,
                count(*) filter (where status = 'succeeded')::int as succeeded,
                count(*) filter (where status = 'failed')::int as failed,
                count(*) filter (where status = 'cancelled')::int as cancelled,
                percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at) * 1000) filter (where finished_at is not null) as p50,
                percentile_cont(0.95) within group (order by extract(epoch from finished_at - started_at) * 1000) filter (where finished_at is not null) as p95
           from runs where created_at >= $1 group by 1
       )
       select b.t, coalesce(a.started, 0) as started, coalesce(a.succeeded, 0) as succeeded, coalesce(a.failed, 0) as failed,
              coalesce(a.cancelled, 0) as cancelled, a.p50, a.p95
         from buckets b left join agg a using (t) order by b.t`,
      [since, bucketSeconds],
    ),
    pool.query(
      `select status, count(*)::int as n,
              percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at) * 1000) filter (where finished_at is not null) as p50,
              percentile_cont(0.95) within group (order by extract(epoch from finished_at - started_at) * 1000) filter (where finished_at is not null) as p95
         from runs where created_at >= $1 group by rollup (status)`,
      [since],
    ),
    pool.query(
      `with recent as (select id from runs where created_at >= $1 order by created_at desc limit ${STEP_SAMPLE_RUNS})
       select s.type, count(*)::int as n,
              count(*) filter (where s.status = 'failed')::int as failed,
              percentile_cont(0.5) within group (order by extract(epoch from s.finished_at - s.started_at) * 1000) as p50,
              percentile_cont(0.95) within group (order by extract(epoch from s.finished_at - s.started_at) * 1000) as p95
         from step_runs s join recent on recent.id = s.run_id
        where s.finished_at is not null and s.started_at is not null
        group by s.type order by s.type`,
      [since],
    ),
    pool.query(
      `select (select count(*)::int from dead_letters where resolved_at is null) as open,
              coalesce((select jsonb_agg(d order by d."createdAt" desc) from (
                select dl.id, dl.run_id as "runId", dl.node_id as "nodeId", w.name as "workflowName", dl.error->>'message' as message, dl.created_at as "createdAt"
                  from dead_letters dl left join workflows w on w.id = dl.workflow_id
                 where dl.resolved_at is null order by dl.created_at desc limit 5) d), '[]'::jsonb) as recent`,
    ),
    pool.query(
      `select r.id, w.name as workflow_name, st.node_id, st.kind, st.since
         from runs r join workflows w on w.id = r.workflow_id
         join lateral (select * from (${stuckStepsSql("$1")}) x limit 1) st on true
        where r.status = any($2::run_status[]) order by st.since limit 10`,
      [stuckAfterSeconds(), activeRunStatuses],
    ),
    pool.query(`select count(*)::int as n from workers where stopped_at is null and heartbeat_at > now() - make_interval(secs => $1)`, [WORKER_STALE_MS / 1000]),
    boss ? boss.getQueues() : Promise.resolve([]),
    recentProcessEvents(pool, `${span / 1000} seconds`, 10),
  ]);

  const all = totals.rows.find((r) => r.status === null);
  const byStatus: Record<string, number> = {};
  for (const r of totals.rows) if (r.status) byStatus[r.status] = r.n;
  for (const r of active.rows) byStatus[r.status] = r.n; // active runs count whenever they started
  const finished = (byStatus.succeeded ?? 0) + (byStatus.failed ?? 0);
  return {
    window,
    bucketSeconds,
    since,
    generatedAt: new Date(),
    runs: {
      byStatus,
      started: all?.n ?? 0,
      failureRate: finished ? (byStatus.failed ?? 0) / finished : null,
      duration: { p50: ms(all?.p50), p95: ms(all?.p95) },
    },
    series: series.rows.map((r) => ({ t: r.t as Date, started: r.started, succeeded: r.succeeded, failed: r.failed, cancelled: r.cancelled, p50: ms(r.p50), p95: ms(r.p95) })),
    steps: steps.rows.map((r) => ({ type: r.type as string, count: r.n as number, failed: r.failed as number, p50: ms(r.p50), p95: ms(r.p95) })),
    stepSampleRuns: STEP_SAMPLE_RUNS,
    // pg-boss's own internal queues (names starting with "__pgboss") are not Baton's.
    queues: queues.filter((q) => !q.name.startsWith("__pgboss")).map((q) => ({ name: q.name, queued: q.queuedCount, ready: q.readyCount, deferred: q.deferredCount, active: q.activeCount, failed: q.failedCount })),
    deadLetters: { open: letters.rows[0].open as number, recent: letters.rows[0].recent },
    stuck: stuck.rows.map((r) => ({ runId: r.id as string, workflowName: r.workflow_name as string, ...describeStuck(r) })),
    workers: { live: workers.rows[0].n as number },
    /** Crashes and restarts of web, worker and database that the launcher saw, newest first. */
    processes,
  };
}

export type Stats = Awaited<ReturnType<typeof compute>>;

const cache = new Map<StatsWindow, { at: number; value: Promise<Stats> }>();

export function dashboardStats(window: StatsWindow, boss: PgBoss | null, pool: pg.Pool = defaultPool()): Promise<Stats> {
  const hit = cache.get(window);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = compute(window, pool, boss);
  cache.set(window, { at: Date.now(), value });
  value.catch(() => cache.delete(window));
  return value;
}
