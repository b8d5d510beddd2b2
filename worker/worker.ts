// A worker: pg-boss (schema created on first start), a heartbeat row, and the step handlers.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { env } from "#lib/env.ts";
import { log } from "#lib/log.ts";
import { databaseUrl, pool, closeDb } from "#lib/db.ts";
import { startBoss } from "#lib/queue.ts";
import { waitForMigrations } from "#lib/db/status.ts";
import { startHeartbeat } from "./heartbeat.ts";

export interface Worker {
  id: string;
  stop(): Promise<void>;
}

export async function startWorker(): Promise<Worker> {
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  await waitForMigrations(pool(), (pending) => log.warn({ pending }, "waiting for database migrations to be applied"));
  const boss = await startBoss({ databaseUrl: databaseUrl(), role: "worker" });
  const heartbeat = await startHeartbeat(pool(), id, env.WORKER_CONCURRENCY);
  log.info({ workerId: id, concurrency: env.WORKER_CONCURRENCY }, "worker started");
  return {
    id,
    async stop() {
      await boss.stop({ graceful: true, timeout: env.WORKER_SHUTDOWN_GRACE_MS, close: true });
      await heartbeat.stop();
      await closeDb();
    },
  };
}
