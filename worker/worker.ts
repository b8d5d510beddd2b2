// A worker: runs step jobs (dispatcher.ts), renews the leases of running steps, listens for new
// jobs and cancellations, sweeps for crashed or stuck runs, and heartbeats for /health.
// stop() drains: no new jobs; running attempts get WORKER_SHUTDOWN_GRACE_MS to finish, then
// are aborted and handed back to the queue for another worker.
import { randomUUID } from "node:crypto";
import type { Job } from "pg-boss";
import { hostname } from "node:os";
import { env } from "#lib/env.ts";
import { log } from "#lib/log.ts";
import { databaseUrl, pool, closeDb } from "#lib/db.ts";
import { startBoss } from "#lib/queue.ts";
import { waitForMigrations } from "#lib/db/status.ts";
import { PURE_STEP_QUEUE, STEP_QUEUE, STEP_TEST_QUEUE, stepJob } from "#lib/engine/jobs.ts";
import { readPureSteps } from "#lib/engine/claim.ts";
import type { EngineDeps } from "#lib/engine/deps.ts";
import { succeed } from "#lib/engine/succeed.ts";
import { bossDb } from "#lib/engine/tx.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { InFlight, LEASE_RENEW_MS } from "./inflight.ts";
import { listenForNotices } from "./notifications.ts";
import { startSweeper } from "./sweeper.ts";
import { startAlertDeliveries, startCallbacks } from "./callbacks.ts";
import { startTriggers } from "./triggers.ts";
import { startEvents } from "./events.ts";
import { startChildRuns } from "./child-runs.ts";
import { drainLoop } from "./drain-loop.ts";
import { admitHeldRuns } from "#lib/engine/run-slots.ts";
import { Dispatcher } from "./dispatcher.ts";
import { handleJob, isStepFault, type Runtime } from "./run-step.ts";
import { abortStepTests, handleStepTest } from "./step-tests.ts";
import { Batcher } from "./batcher.ts";
import { expressionPool } from "#lib/expressions/pool.ts";
import { createBreakers } from "#lib/dependencies/breaker.ts";
import { configCache } from "#lib/config/cache.ts";
import { startEvaluationCounts } from "#lib/flags/counts.ts";
import { startMetricSnapshots } from "#lib/metrics/scrape.ts";
import { processRegistry } from "#lib/metrics/registry.ts";
import { startTracing, stopTracing } from "#lib/tracing/tracing.ts";

/** Step tests one worker runs at once. */
const STEP_TEST_CONCURRENCY = 4;

export interface Worker {
  id: string;
  stop(): Promise<void>;
}

export async function startWorker(): Promise<Worker> {
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Its metrics carry process="worker:<id>" (the web serves them beside its own).
  processRegistry(`worker:${id}`);
  startTracing("baton-worker");
  await waitForMigrations(pool(), (pending) => log.warn({ pending }, "waiting for database migrations to be applied"));
  const boss = await startBoss({ databaseUrl: databaseUrl(), role: "worker" });
  const deps: EngineDeps = { pool: pool(), boss };
  const inflight = new InFlight(pool());
  const expressions = expressionPool();
  expressions.warm();
  const runtime: Runtime = {
    deps,
    workerId: id,
    inflight,
    baseUrl: env.BATON_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`,
    log,
    pureReads: new Batcher((jobs) => readPureSteps(pool(), jobs)),
    // A batch the database refuses is retried item by item: one bad result fails only its step.
    successes: new Batcher((items) => succeed(deps, items), { alone: isStepFault }),
    expressions,
    breakers: createBreakers(pool(), `worker:${id}`),
  };

  const handleStepJob = async (job: Job<unknown>) => {
    const parsed = stepJob.safeParse(job.data);
    if (!parsed.success) {
      log.error({ jobId: job.id, data: job.data }, "malformed step job dropped");
      return;
    }
    await handleJob(runtime, parsed.data);
  };
  const db = { settle: bossDb(pool()), fetch: bossDb(pool(), { prepare: false }) };
  const dispatcher = new Dispatcher(boss, db, STEP_QUEUE, env.WORKER_CONCURRENCY, handleStepJob, log);
  // Pure steps (see PURE_STEP_QUEUE): quick, no outside effects, batched as widely as they come.
  const pure = new Dispatcher(boss, db, PURE_STEP_QUEUE, env.WORKER_PURE_CONCURRENCY, handleStepJob, log, { quick: true });
  const steps = [dispatcher, pure];
  // Steps tested from the editor: a queue of their own, so a test never waits behind a backlog of runs.
  const tests = new Dispatcher(
    boss,
    db,
    STEP_TEST_QUEUE,
    STEP_TEST_CONCURRENCY,
    (job) => handleStepTest(runtime, job),
    log,
  );
  // Retries and waits this worker schedules are fetched when due, not at the next poll.
  deps.onDelayedJob = (at) => steps.forEach((d) => d.wakeAt(at));
  // The jobs this worker's results create: its own loops fetch them, unless they cannot take
  // them now (full, or stopping), when the other workers are told.
  deps.localJobs = (queues) => {
    for (const [queue, d] of [[STEP_QUEUE, dispatcher], [PURE_STEP_QUEUE, pure]] as const) {
      if (!queues.has(queue)) continue;
      if (d.canTakeMore) d.wake();
      else pool().query(`select pg_notify('baton_jobs', $1)`, [queue]).catch((error) => log.warn(`could not tell other workers of new jobs (${error.message})`));
    }
  };
  const callbacks = startCallbacks(pool(), log);
  const alerts = startAlertDeliveries(pool(), log);
  const events = startEvents(deps, log);
  const childRuns = startChildRuns(deps, log);
  const runSlots = drainLoop(log, "admit held runs", () => admitHeldRuns(deps), 3_000);
  const notices = listenForNotices(databaseUrl(), {
    jobs: (queue) => {
      if (queue !== PURE_STEP_QUEUE) dispatcher.wake();
      if (queue !== STEP_QUEUE) pure.wake();
    },
    stepTests: () => tests.wake(),
    cancel: (ids) => inflight.abort(ids, "cancelled"),
    callbacks: () => callbacks.wake(),
    alerts: () => alerts.wake(),
    events: () => events.wake(),
    childRuns: () => childRuns.wake(),
    runSlots: () => runSlots.wake(),
    config: (key) => configCache.invalidate(key),
    listening: (live) => configCache.listening(live),
    onReconnect: () => {
      steps.forEach((d) => d.wake());
      tests.wake();
      callbacks.wake();
      alerts.wake();
      events.wake();
      childRuns.wake();
      runSlots.wake();
      void inflight.renew();
    },
  });
  for (const d of [...steps, tests]) d.start();
  inflight.startRenewing();
  // pg-boss hands a job whose heartbeat lapses to another worker: keep ours fresh.
  const touch = setInterval(() => {
    for (const [queue, d] of [[STEP_QUEUE, dispatcher], [PURE_STEP_QUEUE, pure]] as const) {
      const ids = d.activeJobIds;
      if (ids.length) boss.touch(queue, ids).catch((error) => log.warn(`could not touch step jobs (${error.message})`));
    }
  }, LEASE_RENEW_MS);
  touch.unref();
  const sweeper = startSweeper(deps, log);
  const triggers = startTriggers(deps, log);
  const heartbeat = await startHeartbeat(pool(), id, env.WORKER_CONCURRENCY);
  const flagCounts = startEvaluationCounts(pool(), (error) => log.warn({ err: error }, "could not record flag evaluation counts"));
  const metrics = startMetricSnapshots(pool(), `worker:${id}`, (error) => log.warn({ err: error }, "could not write this worker's metrics"));
  log.info({ workerId: id, concurrency: env.WORKER_CONCURRENCY, pureConcurrency: env.WORKER_PURE_CONCURRENCY }, "worker started");

  return {
    id,
    async stop() {
      await Promise.all([...steps, tests].map((d) => d.stopFetching()));
      // A test has someone watching it in the editor: it stops at once and says why.
      abortStepTests();
      await sweeper.stop();
      await triggers.stop();
      await callbacks.stop();
      await alerts.stop();
      await events.stop();
      await childRuns.stop();
      await runSlots.stop();
      const [, drained] = await Promise.all([pure.drained(env.WORKER_SHUTDOWN_GRACE_MS), dispatcher.drained(env.WORKER_SHUTDOWN_GRACE_MS)]);
      if (!drained) {
        log.warn({ running: inflight.size }, "grace period over: handing running steps back to the queue");
        inflight.abortAll("shutdown");
        await dispatcher.drained(15_000);
      }
      await tests.drained(5_000);
      clearInterval(touch);
      await boss.stop({ graceful: true, timeout: 5_000, close: true });
      await notices.stop();
      inflight.stopRenewing();
      await heartbeat.stop();
      await runtime.breakers?.stop();
      await flagCounts.stop();
      await metrics.stop();
      await stopTracing();
      await expressions.close();
      await closeDb();
    },
  };
}
