// Fetches step jobs from pg-boss and runs up to `concurrency` of them at once.
//
// One fetch loop per process rather than pg-boss's work(): work() runs a loop per concurrency
// slot, each fetching one job and then sleeping its poll interval (30 s with NOTIFY on), so a
// backlog drains at a trickle and every NOTIFY wakes every loop. Here a single loop asks for as
// many jobs as it has free slots, fetches again at once while batches come back full, and
// otherwise waits for a wake-up: NOTIFY baton_jobs (sent with every immediate job), the time a
// delayed job becomes due, or the poll backstop. Finished jobs are completed in batches.
import type { Db, Job, PgBoss } from "pg-boss";
import type { Logger } from "#lib/log.ts";

const POLL_MS = 1000;
const COMPLETE_BATCH_MS = 5;
/**
 * While busy, a fetch waits until half the slots are free or this long after the last one.
 * Fetching for every slot that freed up fragmented the work into batches of two or three, and
 * a small batch costs the database nearly what a large one does: with four workers the engine
 * did 4.7 statements and 2.3 ms of database time per step, against 3.0 and 0.8 with one (bench,
 * pg_stat_statements). An idle worker fetches at once.
 */
const GATHER_MS = 10;

export class Dispatcher {
  readonly #boss: PgBoss;
  readonly #queue: string;
  readonly #concurrency: number;
  readonly #handle: (job: Job<unknown>) => Promise<void>;
  readonly #log: Logger;
  readonly #db: Db;
  readonly #fetchDb: Db;
  #active = new Map<string, Promise<void>>();
  #stopped = false;
  readonly #quick: boolean;
  #wakeRequested = true;
  #lastFetchFull = false;
  #signal?: () => void;
  #loop?: Promise<void>;
  #toComplete: string[] = [];
  #toFail: string[] = [];
  #flushTimer?: NodeJS.Timeout;

  /**
   * `db` and `fetchDb` run pg-boss's statements (see bossDb: the first prepares them). `quick`:
   * jobs finish within milliseconds (pure steps), so a wake-up while some run waits for them to
   * finish instead of fetching at once. Every NOTIFY from elsewhere woke every worker, and each
   * fetched, mostly for nothing: with four workers the fetch was the costliest statement.
   */
  constructor(boss: PgBoss, db: { settle: Db; fetch: Db }, queue: string, concurrency: number, handle: (job: Job<unknown>) => Promise<void>, log: Logger, options: { quick?: boolean } = {}) {
    this.#quick = options.quick ?? false;
    this.#boss = boss;
    this.#db = db.settle;
    this.#fetchDb = db.fetch;
    this.#queue = queue;
    this.#concurrency = concurrency;
    this.#handle = handle;
    this.#log = log;
  }

  /** Jobs being handled now. */
  get active(): number {
    return this.#active.size;
  }

  /** Fetching, with a slot free. */
  get canTakeMore(): boolean {
    return !this.#stopped && this.#active.size < this.#concurrency;
  }

  /** Ids of the jobs being handled, for heartbeats. */
  get activeJobIds(): string[] {
    return [...this.#active.keys()];
  }

  start() {
    this.#loop = this.#run();
  }

  /** New work may be waiting: fetch as soon as a slot is free. */
  wake() {
    this.#wakeRequested = true;
    // Busy with quick jobs: the first to finish fetches (see #dispatch).
    if (!(this.#quick && this.#active.size > 0)) this.#signal?.();
  }

  /** Wakes the loop when a delayed job becomes due. */
  wakeAt(at: Date) {
    setTimeout(() => this.wake(), Math.max(0, at.getTime() - Date.now()) + 5).unref();
  }

  /** Stops fetching; running jobs go on. Resolves when the loop has exited. */
  async stopFetching() {
    this.#stopped = true;
    this.#signal?.();
    await this.#loop;
  }

  /** Resolves when no job is running, or after `ms`; tells which. */
  async drained(ms: number): Promise<boolean> {
    const timeout = new Promise<false>((r) => setTimeout(() => r(false), ms).unref());
    const done = Promise.all(this.#active.values()).then(() => true as const);
    const result = await Promise.race([done, timeout]);
    await this.#flush();
    return result;
  }

  async #run() {
    let failures = 0;
    let lastFetch = 0;
    while (!this.#stopped) {
      const free = this.#concurrency - this.#active.size;
      const due = this.#wakeRequested || this.#lastFetchFull || Date.now() - lastFetch >= POLL_MS;
      const gatherFor = this.#active.size === 0 || free * 2 >= this.#concurrency ? 0 : lastFetch + GATHER_MS - Date.now();
      if (free > 0 && due && gatherFor <= 0) {
        this.#wakeRequested = false;
        lastFetch = Date.now();
        try {
          const jobs = await this.#boss.fetch<unknown>(this.#queue, { batchSize: free, db: this.#fetchDb });
          failures = 0;
          this.#lastFetchFull = jobs.length === free;
          for (const job of jobs) this.#dispatch(job);
        } catch (error) {
          // The database is away: back off, then try again (up to 10 s apart).
          failures++;
          this.#lastFetchFull = false;
          this.#log.warn(`could not fetch step jobs (${(error as Error).message}); retrying`);
          await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** failures)));
          continue;
        }
        if (this.#lastFetchFull || this.#wakeRequested) continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, free > 0 && due && gatherFor > 0 ? gatherFor : POLL_MS);
        this.#signal = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#signal = undefined;
    }
  }

  #dispatch(job: Job<unknown>) {
    const running = this.#handle(job).then(
      () => this.#settle(this.#toComplete, job.id),
      (error) => {
        // The handler could not record anything (database unreachable): pg-boss retries the
        // job after its retry delay, and the engine's fencing drops it if it is stale by then.
        this.#log.error({ err: error, jobId: job.id }, "step job failed; pg-boss will retry it");
        this.#settle(this.#toFail, job.id);
      },
    );
    this.#active.set(job.id, running);
    void running.finally(() => {
      this.#active.delete(job.id);
      if (this.#lastFetchFull || this.#wakeRequested) this.#signal?.();
    });
  }

  #settle(list: string[], id: string) {
    list.push(id);
    this.#flushTimer ??= setTimeout(() => void this.#flush(), COMPLETE_BATCH_MS);
  }

  async #flush() {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const complete = this.#toComplete.splice(0);
    const fail = this.#toFail.splice(0);
    try {
      if (complete.length) await this.#boss.complete(this.#queue, complete, null, { db: this.#db });
      if (fail.length) await this.#boss.fail(this.#queue, fail, null, { db: this.#db });
    } catch (error) {
      // Left active, the jobs come back after their heartbeat lapses; their steps have moved on,
      // so the engine drops them.
      this.#log.warn(`could not settle ${complete.length + fail.length} step jobs (${(error as Error).message})`);
    }
  }
}
