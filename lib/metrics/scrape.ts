// `GET /metrics`: one Prometheus text page for the whole installation. Three sources:
// - this (web) process's registry: Node's metrics, SSE subscribers;
// - each live worker's registry, as it last wrote it to `metric_snapshots` (every 5 s): step
//   attempts and durations, steps in flight, Node's metrics; each series keeps its `process`;
// - the database, read at scrape time: runs by workflow and status, queues, dead letters, stuck
//   runs, waits and how long the oldest has waited, breakers, live workers.
// Counts from the database are totals over what the database holds (runs deleted by retention
// leave them, as a counter reset would).
import type pg from "pg";
import { AggregatorRegistry, Counter, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import { activeRunStatuses } from "../engine/states.ts";
import { stuckAfterSeconds, stuckStepsSql } from "../runs/stuck.ts";
import { WORKER_STALE_MS } from "../health.ts";
import { listener } from "../live/listener.ts";
import { processRegistry } from "./registry.ts";

/** A worker's snapshot older than this is of a worker that has gone. */
const SNAPSHOT_STALE_SECONDS = 30;

const FINISHED = ["succeeded", "failed", "cancelled", "compensated", "compensation_failed"];

function webRegistry(): Registry {
  const registry = processRegistry("web");
  if (!registry.getSingleMetric("baton_sse_subscribers")) {
    new Gauge({
      name: "baton_sse_subscribers",
      help: "Live subscriptions in the web process (run pages, the runs list, the dashboard).",
      registers: [registry],
      collect() {
        this.set(listener().subscriberCount);
      },
    });
  }
  return registry;
}

/** The figures only the database knows, as of now. */
async function databaseRegistry(pool: Pick<pg.Pool, "query">): Promise<Registry> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const [runs, queues, letters, stuck, waits, approvals, breakers, workers, running, held] = await Promise.all([
    pool.query(`select coalesce(w.name, r.workflow_id::text) as workflow, r.status, r.n from (select workflow_id, status, count(*)::int as n from runs group by 1, 2) r left join workflows w on w.id = r.workflow_id`),
    pool.query(`select name, state, count(*)::int as n, extract(epoch from now() - min(created_on)) as oldest from pgboss.job where state in ('created', 'retry', 'active') and name not like '\\_\\_pgboss%' group by 1, 2`),
    pool.query(`select count(*)::int as n from dead_letters where resolved_at is null`),
    pool.query(`select count(*)::int as n from runs r where r.status = any($2::run_status[]) and exists (select 1 from (${stuckStepsSql("$1")}) st)`, [stuckAfterSeconds(), activeRunStatuses]),
    pool.query(`select coalesce(wait_kind, 'timer') as kind, count(*)::int as n, extract(epoch from now() - min(coalesce(started_at, queued_at))) as oldest from step_runs where status = 'waiting' group by 1`),
    pool.query(`select count(*)::int as n, extract(epoch from now() - min(created_at)) as oldest from approval_requests where state in ('pending_approval', 'changes_requested')`),
    pool.query(`select key, state from dependencies`),
    pool.query(`select count(*)::int as n from workers where stopped_at is null and heartbeat_at > now() - make_interval(secs => $1)`, [WORKER_STALE_MS / 1000]),
    pool.query(`select count(*)::int as n from step_runs where status = 'running'`),
    // Held for capacity (queued, holding no worker): behind a concurrency limit, or a dependency's breaker or rate.
    pool.query(
      `select 'concurrency' as reason, count(distinct step_run_id)::int as n, extract(epoch from now() - min(created_at)) as oldest from concurrency_slots where not active
       union all select 'dependency', count(*)::int, null::float8 from dependency_waits`,
    ),
  ]);

  const started = counter("baton_runs_started_total", "Runs started, by workflow.", ["workflow"]);
  const finished = counter("baton_runs_finished_total", "Runs finished, by workflow and final status.", ["workflow", "status"]);
  const active = gauge("baton_runs_active", "Runs not finished, by workflow and status (queued, running, waiting, …).", ["workflow", "status"]);
  const perWorkflow = new Map<string, number>();
  for (const r of runs.rows) {
    perWorkflow.set(r.workflow, (perWorkflow.get(r.workflow) ?? 0) + r.n);
    if (FINISHED.includes(r.status)) finished.inc({ workflow: r.workflow, status: r.status }, r.n);
    else active.set({ workflow: r.workflow, status: r.status }, r.n);
  }
  for (const [workflow, n] of perWorkflow) started.inc({ workflow }, n);

  const depth = gauge("baton_queue_jobs", "Jobs in each pg-boss queue, by state (created: ready or deferred; retry; active).", ["queue", "state"]);
  const oldest = gauge("baton_queue_oldest_job_age_seconds", "Age of the oldest job not done in each queue.", ["queue"]);
  const oldestByQueue = new Map<string, number>();
  for (const q of queues.rows) {
    depth.set({ queue: q.name, state: q.state }, q.n);
    oldestByQueue.set(q.name, Math.max(oldestByQueue.get(q.name) ?? 0, Number(q.oldest)));
  }
  for (const [queue, age] of oldestByQueue) oldest.set({ queue }, age);

  gauge("baton_dead_letters_open", "Dead letters not yet requeued or deleted.").set(letters.rows[0].n);
  gauge("baton_runs_stuck", "Active runs with a step stuck past its time (the dashboard's rule).").set(stuck.rows[0].n);
  const waiting = gauge("baton_steps_waiting", "Steps waiting, by what for (timer, approval, event, child run, …).", ["kind"]);
  const waitingOldest = gauge("baton_steps_waiting_oldest_seconds", "How long the longest wait of each kind has lasted.", ["kind"]);
  for (const w of waits.rows) {
    waiting.set({ kind: w.kind }, w.n);
    waitingOldest.set({ kind: w.kind }, Number(w.oldest));
  }
  const heldSteps = gauge("baton_steps_held", "Steps held for capacity (queued, no worker), by what holds them: a concurrency limit, a dependency's breaker or rate limit.", ["reason"]);
  const heldOldest = gauge("baton_steps_held_oldest_seconds", "How long the longest-held step has waited behind a concurrency limit.", ["reason"]);
  for (const h of held.rows) {
    heldSteps.set({ reason: h.reason }, h.n);
    if (h.reason === "concurrency") heldOldest.set({ reason: h.reason }, Number(h.oldest ?? 0));
  }
  gauge("baton_approvals_waiting", "Approval requests waiting for a decision.").set(approvals.rows[0].n);
  gauge("baton_approvals_waiting_oldest_seconds", "How long the oldest open approval request has waited.").set(Number(approvals.rows[0].oldest ?? 0));
  const breaker = gauge("baton_breaker_state", "1 for each dependency's current breaker state (closed, open, half_open).", ["dependency", "state"]);
  for (const b of breakers.rows) for (const state of ["closed", "open", "half_open"]) breaker.set({ dependency: b.key, state }, b.state === state ? 1 : 0);
  gauge("baton_workers", "Worker processes with a recent heartbeat.").set(workers.rows[0].n);
  gauge("baton_steps_running", "Step attempts running now, in all workers.").set(running.rows[0].n);
  return registry;
}

/** The whole page, in Prometheus text format. */
export async function metricsText(pool: Pick<pg.Pool, "query">): Promise<{ text: string; contentType: string }> {
  const [db, snapshots] = await Promise.all([
    databaseRegistry(pool),
    pool.query(`select data from metric_snapshots where updated_at > now() - make_interval(secs => $1)`, [SNAPSHOT_STALE_SECONDS]),
  ]);
  const web = webRegistry();
  const all = AggregatorRegistry.aggregate([await web.getMetricsAsJSON(), await db.getMetricsAsJSON(), ...snapshots.rows.map((r) => r.data as MetricObjectWithValues<MetricValue<string>>[])]);
  return { text: await all.metrics(), contentType: all.contentType };
}

/** A worker writes its registry every `everyMs` (and removes it when it stops). */
export function startMetricSnapshots(pool: Pick<pg.Pool, "query">, processName: string, onError: (error: unknown) => void, everyMs = 5_000) {
  const registry = processRegistry(processName);
  const write = async () =>
    pool.query(`insert into metric_snapshots (process, data, updated_at) values ($1, $2::jsonb, now()) on conflict (process) do update set data = excluded.data, updated_at = now()`, [
      processName,
      JSON.stringify(await registry.getMetricsAsJSON()),
    ]);
  const timer = setInterval(() => void write().catch(onError), everyMs);
  timer.unref();
  void write().catch(onError);
  return {
    /** Writes now (tests, and before stopping). */
    flush: write,
    async stop() {
      clearInterval(timer);
      await pool.query(`delete from metric_snapshots where process = $1`, [processName]).catch(onError);
    },
  };
}
