// The baseline: raw pg-boss on the same database, configured for speed as its documentation
// advises (LISTEN/NOTIFY on, a batch as large as the concurrency with burstWhenBatchFull so a
// backlog drains without polling pauses), working no-op jobs.
import { PgBoss } from "pg-boss";
import { distribution, sleep, type Distribution } from "./stats.ts";

const QUEUE = "bench-raw";

export interface BaselineResult {
  jobs: number;
  concurrency: number;
  jobsPerSecond: number;
  /** send() called → handler started, one job at a time on an idle worker. */
  enqueueToStartMs: Distribution;
}

async function completedCount(boss: PgBoss): Promise<number> {
  const { rows } = await boss.getDb().executeSql(`select count(*)::int as n from pgboss.job where name = $1 and state = 'completed'`, [QUEUE]);
  return rows[0].n;
}

export async function rawPgBoss(databaseUrl: string, options: { jobs: number; latencySamples: number; concurrency: number }): Promise<BaselineResult> {
  const boss = new PgBoss({ connectionString: databaseUrl, useListenNotify: true, supervise: false, schedule: false, max: 10 });
  boss.on("error", () => undefined);
  await boss.start();
  await boss.createQueue(QUEUE, { notify: true, deleteAfterSeconds: 3600 });

  // Throughput: a backlog of no-op jobs, fetched `concurrency` at a time.
  for (let i = 0; i < options.jobs; i += 1000) {
    await boss.insert(QUEUE, Array.from({ length: Math.min(1000, options.jobs - i) }, (_, j) => ({ data: { n: i + j } })));
  }
  const started = performance.now();
  const drain = await boss.work(
    QUEUE,
    { batchSize: options.concurrency, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5 },
    async () => {},
  );
  while ((await completedCount(boss)) < options.jobs) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  await boss.offWork(QUEUE, { id: drain, wait: true });

  // Latency: one job at a time to an idle worker.
  const samples: number[] = [];
  let resolveOne: (() => void) | undefined;
  await boss.work<{ t0: number }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    samples.push(performance.now() - job.data.t0);
    resolveOne?.();
  });
  await sleep(200);
  for (let i = 0; i < options.latencySamples; i++) {
    const done = new Promise<void>((r) => (resolveOne = r));
    await boss.send(QUEUE, { t0: performance.now() });
    await done;
    await sleep(30);
  }
  await boss.stop({ graceful: true, timeout: 5000 });
  return { jobs: options.jobs, concurrency: options.concurrency, jobsPerSecond: options.jobs / seconds, enqueueToStartMs: distribution(samples) };
}
