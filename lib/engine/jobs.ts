// The job catalog: queue names, payloads (ids only; state lives in tables) and queue options.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { EngineDeps } from "./deps.ts";
import { bossDb, type Sql } from "./tx.ts";

export const STEP_QUEUE = "baton-steps";
/**
 * Pure steps (StepDefinition.pure: no effects outside Baton, quick) have a queue of their own,
 * run under WORKER_PURE_CONCURRENCY rather than WORKER_CONCURRENCY: they hold no outside
 * resource, and a worker with few slots would otherwise record them a few at a time, each batch
 * costing the database nearly what a large one does.
 */
export const PURE_STEP_QUEUE = "baton-pure-steps";
export const stepQueues = [STEP_QUEUE, PURE_STEP_QUEUE] as const;
/** Steps tested alone from the editor (lib/workflows/step-tests.ts); payload `{ testId }`. */
export const STEP_TEST_QUEUE = "baton-step-tests";

export const stepJob = z.object({
  runId: z.uuid(),
  stepRunId: z.uuid(),
  attempt: z.int().min(1),
  /** A waiting step's timer fired: finish the wait instead of running the step again. */
  resume: z.boolean().optional(),
  /** With resume, for a wait ended from outside (an event): its time ran out; take this branch. */
  expire: z.string().optional(),
  /** The step's type is pure: run it and record start and result in one transaction. */
  pure: z.boolean().optional(),
});
export type StepJob = z.infer<typeof stepJob>;

/**
 * pg-boss only delivers; attempts and backoff are the engine's (one job per attempt). Its own
 * retries cover a handler that failed before it could record anything (database unreachable):
 * the job comes back and the engine's fencing drops it if it is stale by then.
 */
const stepQueueOptions = {
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
};

export const queues = [
  { name: STEP_QUEUE, options: stepQueueOptions },
  { name: PURE_STEP_QUEUE, options: stepQueueOptions },
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
  /** Set by the sweeper when it sends a job again (the lost one may still have a row). */
  resent?: string;
}

/**
 * A step job's id follows from what it is for: the step row (one per run, node and iteration),
 * the attempt, and whether it resumes a wait. Sending the same job twice inserts it once
 * (pg-boss inserts with ON CONFLICT DO NOTHING), and cancelling a step finds its job without a
 * lookup. The id is a UUID made from that key (pg-boss ids are UUIDs).
 */
export function stepJobId(job: Pick<Enqueue, "stepRunId" | "attempt" | "resume" | "resent">): string {
  const key = `${job.stepRunId}:${job.attempt}${job.resume ? ":resume" : ""}${job.resent ? `:resent:${job.resent}` : ""}`;
  const h = createHash("sha1").update(key).digest("hex");
  // Shaped as a version-5 UUID (name-based, SHA-1).
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Sends step jobs in the caller's transaction; workers hear of immediate ones at commit. */
export async function enqueue({ boss, onDelayedJob, onQueued }: Pick<EngineDeps, "boss" | "onDelayedJob" | "onQueued">, sql: Sql, jobs: Enqueue[], options: { notify?: boolean } = {}): Promise<void> {
  if (jobs.length === 0) return;
  for (const j of jobs) if (j.startAfter && onDelayedJob) onDelayedJob(j.startAfter);
  for (const queue of stepQueues) {
    const unique = new Map(
      jobs.filter((j) => (queue === PURE_STEP_QUEUE) === !!j.pure).map(({ startAfter, resent, ...data }) => [stepJobId({ ...data, resent }), { data, ...(startAfter ? { startAfter } : {}) }]),
    );
    if (unique.size === 0) continue;
    await boss.insert(queue, [...unique].map(([id, job]) => ({ id, ...job })), { db: bossDb(sql) });
    if ([...unique.values()].some((j) => !j.startAfter)) onQueued?.(queue);
  }
  const due = jobs.filter((j) => !j.startAfter || j.startAfter.getTime() <= Date.now());
  if (options.notify !== false && due.length) await sql.query(`select pg_notify('baton_jobs', $1)`, [jobsNotice(due.map((j) => !!j.pure))]);
}

/** The payload of NOTIFY baton_jobs: the queue that got jobs, or "" for both (a worker wakes
 * only the fetch loops that can find something). */
export const jobsNotice = (pure: boolean[]): string => (pure.every(Boolean) ? PURE_STEP_QUEUE : pure.some(Boolean) ? "" : STEP_QUEUE);

/** Cancels the jobs of these attempts that have not run yet, in the caller's transaction, so that
 * a cancelled step leaves nothing in the queue (a job already running is aborted by NOTIFY
 * baton_cancel and fenced out when it reports). */
export async function cancelJobs({ boss }: Pick<EngineDeps, "boss">, sql: Sql, jobs: Pick<Enqueue, "stepRunId" | "attempt" | "resume">[]): Promise<void> {
  if (jobs.length === 0) return;
  // A job's queue follows from its step's type; ids are unique, so asking both queues is safe.
  for (const queue of stepQueues) await boss.cancel(queue, jobs.map(stepJobId), { db: bossDb(sql) });
}
