// What /api/v1/health reports: database reachability, migration state, worker heartbeats.
import type pg from "pg";
import { log } from "./log.ts";
import { migrationStatus, type MigrationStatus } from "./db/status.ts";

/** A worker whose heartbeat is older than this is counted as gone. */
export const WORKER_STALE_MS = 15_000;

export interface Health {
  status: "ok" | "degraded" | "down";
  database: { reachable: boolean; latencyMs?: number; error?: string };
  migrations?: MigrationStatus;
  workers?: { alive: number; lastHeartbeatAt: string | null };
  /** Crashes and restarts the launcher saw in the last hour (empty when it is not used). */
  processes?: { crashesLastHour: number; recent: ProcessEventRow[] };
}

export interface ProcessEventRow {
  process: string;
  event: string;
  exitCode: number | null;
  signal: string | null;
  at: string;
}

/** The launcher's recent record, newest first. */
export async function recentProcessEvents(pool: pg.Pool, since = "1 hour", limit = 20): Promise<ProcessEventRow[]> {
  const { rows } = await pool.query(
    `select process, event, exit_code, signal, at from process_events where at > now() - $1::interval order by id desc limit $2`,
    [since, limit],
  );
  return rows.map((r) => ({ process: r.process, event: r.event, exitCode: r.exit_code, signal: r.signal, at: r.at.toISOString() }));
}

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);

export async function checkHealth(pool: pg.Pool): Promise<Health> {
  const started = performance.now();
  try {
    await withTimeout(pool.query("select 1"), 3_000);
  } catch (error) {
    // Health is public: the driver's message (host names, users, SQL states) goes to the log only.
    log.warn({ err: error }, "health check: the database does not answer");
    return { status: "down", database: { reachable: false, error: "the database does not answer; see the web process's log" } };
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const [migrations, workers, processes] = await Promise.all([
    migrationStatus(pool),
    pool.query<{ alive: number; last: Date | null }>(
      `select count(*) filter (where stopped_at is null and heartbeat_at > now() - make_interval(secs => $1))::int as alive,
              max(heartbeat_at) as last
         from workers`,
      [WORKER_STALE_MS / 1000],
    ),
    // Missing while a migration is pending: nothing to report then.
    recentProcessEvents(pool).catch(() => []),
  ]);
  const { alive, last } = workers.rows[0];
  const healthy = migrations.pending.length === 0 && migrations.failed.length === 0 && alive > 0;
  return {
    status: healthy ? "ok" : "degraded",
    database: { reachable: true, latencyMs },
    migrations,
    workers: { alive, lastHeartbeatAt: last?.toISOString() ?? null },
    processes: { crashesLastHour: processes.filter((p) => p.event === "crashed").length, recent: processes },
  };
}
