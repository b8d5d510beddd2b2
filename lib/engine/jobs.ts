// The job catalog: queue names, payloads (ids only; state lives in tables) and queue options.
import { z } from "zod";
import type { PgBoss } from "pg-boss";
import { bossDb, type Sql } from "./tx.ts";

export const STEP_QUEUE = "baton-steps";
/** Steps tested alone from the editor (lib/workflows/step-tests.ts); payload `{ testId }`. */
export const STEP_TEST_QUEUE = "baton-step-tests";

export const stepJob = z.object({
  runId: z.uuid(),
  stepRunId: z.uuid(),
  attempt: z.int().min(1),
  /** A waiting step's timer fired: finish the wait instead of running the step again. */
  resume: z.boolean().optional(),
  /** The step's type is pure: run it and record start and result in one transaction. */
  pure: z.boolean().optional(),
});
export type StepJob = z.infer<typeof stepJob>;

/**
 * pg-boss only delivers; attempts and backoff are the engine's (one job per attempt). Its own
 * retries cover a handler that failed before it could record anything (database unreachable):
 * the job comes back and the engine's fencing drops it if it is stale by then.
 */
export const queues = [
  {
    name: STEP_QUEUE,
    options: {
      retryLimit: 20,
      retryDelay: 1,
      retryBackoff: true,
      retryDelayMax: 30,
      expireInSeconds: 15 * 60,
      deleteAfterSeconds: 24 * 3600,
      // A job whose worker stops answering (died before claiming, or could not reach the database)
      // goes back to the queue after this, instead of after its 15-minute expiry.
      heartbeatSeconds: 10,
      // Workers are woken by our own NOTIFY baton_jobs (see enqueue), not pg-boss's.
      notify: false,
    },
  },
  {
    name: STEP_TEST_QUEUE,
    // A test is run once: one that fails fails for the person watching; one whose worker dies is
    // reported lost (step-tests.ts) rather than sent again behind their back.
    options: { retryLimit: 0, expireInSeconds: 5 * 60, deleteAfterSeconds: 3600, heartbeatSeconds: 10, notify: false },
  },
] as const;

export const stepTestJob = z.object({ testId: z.uuid() });

export interface Enqueue extends StepJob {
  startAfter?: Date;
}

export interface QueueDeps {
  boss: PgBoss;
  /** Told about each job sent to start later, so a worker can fetch it on time rather than at
   * its next poll (NOTIFY fires when a job is sent, not when it becomes due). */
  onDelayedJob?: (at: Date) => void;
}

/** Sends step jobs in the caller's transaction; workers hear of immediate ones at commit. */
export async function enqueue({ boss, onDelayedJob }: QueueDeps, sql: Sql, jobs: Enqueue[], options: { notify?: boolean } = {}): Promise<void> {
  if (jobs.length === 0) return;
  for (const j of jobs) if (j.startAfter && onDelayedJob) onDelayedJob(j.startAfter);
  await boss.insert(
    STEP_QUEUE,
    jobs.map(({ startAfter, ...data }) => ({ data, ...(startAfter ? { startAfter } : {}) })),
    { db: bossDb(sql) },
  );
  if (options.notify !== false && jobs.some((j) => !j.startAfter || j.startAfter.getTime() <= Date.now())) {
    await sql.query(`select pg_notify('baton_jobs', '')`);
  }
}
