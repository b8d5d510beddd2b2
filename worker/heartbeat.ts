// The worker's row in `workers`, refreshed every few seconds; /api/v1/health reports it.
import { hostname } from "node:os";
import type pg from "pg";
import { log } from "#lib/log.ts";

export const HEARTBEAT_INTERVAL_MS = 5_000;

export async function startHeartbeat(pool: pg.Pool, workerId: string, concurrency: number) {
  await pool.query(
    `insert into workers (id, hostname, pid, concurrency) values ($1, $2, $3, $4)`,
    [workerId, hostname(), process.pid, concurrency],
  );
  const timer = setInterval(() => {
    pool.query(`update workers set heartbeat_at = now() where id = $1`, [workerId]).catch((error) =>
      // The next beat retries; a database outage shows in /health as a stale heartbeat.
      log.warn({ err: error }, "heartbeat failed"),
    );
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await pool.query(`update workers set stopped_at = now() where id = $1`, [workerId]).catch(() => undefined);
    },
  };
}
