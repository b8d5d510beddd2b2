// A worker: pulls step jobs from pg-boss and runs them, renews the leases of running steps,
// listens for cancellations, sweeps for crashed or stuck runs, and heartbeats for /health.
// stop() drains: no new jobs; running attempts get WORKER_SHUTDOWN_GRACE_MS to finish, then
// are aborted and handed back to the queue for another worker.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { env } from "#lib/env.ts";
import { log } from "#lib/log.ts";
import { databaseUrl, pool, closeDb } from "#lib/db.ts";
import { startBoss } from "#lib/queue.ts";
import { waitForMigrations } from "#lib/db/status.ts";
import { STEP_QUEUE, stepJob } from "#lib/engine/jobs.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { InFlight } from "./inflight.ts";
import { listenForCancellations } from "./cancellations.ts";
import { startSweeper } from "./sweeper.ts";
import { handleJob, type Runtime } from "./run-step.ts";
import type { EngineDeps } from "#lib/engine/step-results.ts";

export interface Worker {
  id: string;
  stop(): Promise<void>;
}

const until = async (condition: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return condition();
};

export async function startWorker(): Promise<Worker> {
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  await waitForMigrations(pool(), (pending) => log.warn({ pending }, "waiting for database migrations to be applied"));
  const boss = await startBoss({ databaseUrl: databaseUrl(), role: "worker" });
  const deps: EngineDeps = { pool: pool(), boss };
  const inflight = new InFlight(pool());
  inflight.startRenewing();
  const cancellations = listenForCancellations(databaseUrl(), inflight);
  const runtime: Runtime = { deps, workerId: id, inflight, baseUrl: env.BATON_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`, log };

  let active = 0;
  // NOTIFY wakes a fetch when a job is sent; the 5 s poll is only the backstop.
  const workId = await boss.work(STEP_QUEUE, { localConcurrency: env.WORKER_CONCURRENCY, batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 5 }, async ([job]) => {
    const parsed = stepJob.safeParse(job.data);
    if (!parsed.success) {
      log.error({ jobId: job.id, data: job.data }, "malformed step job dropped");
      return;
    }
    active++;
    try {
      await handleJob(runtime, parsed.data);
    } catch (error) {
      // pg-boss retries the job; the claim's fencing makes that safe.
      log.error({ err: error, jobId: job.id, job: parsed.data }, "step job failed; pg-boss will retry it");
      throw error;
    } finally {
      active--;
    }
  });
  // Retries and waits we schedule are fetched when due, not at the next poll.
  deps.onDelayedJob = (at) => {
    setTimeout(() => boss.notifyWorker(workId), Math.max(0, at.getTime() - Date.now()) + 10).unref();
  };
  const sweeper = startSweeper(deps, log);
  const heartbeat = await startHeartbeat(pool(), id, env.WORKER_CONCURRENCY);
  log.info({ workerId: id, concurrency: env.WORKER_CONCURRENCY }, "worker started");

  return {
    id,
    async stop() {
      await boss.offWork(STEP_QUEUE, { wait: false });
      await sweeper.stop();
      if (!(await until(() => active === 0, env.WORKER_SHUTDOWN_GRACE_MS))) {
        log.warn({ running: inflight.size }, "grace period over: handing running steps back to the queue");
        inflight.abortAll("shutdown");
        await until(() => active === 0, 15_000);
      }
      await boss.stop({ graceful: true, timeout: 5_000, close: true });
      await cancellations.stop();
      inflight.stopRenewing();
      await heartbeat.stop();
      await closeDb();
    },
  };
}
