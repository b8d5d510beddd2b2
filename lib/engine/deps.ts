// What the engine's functions need from their process: the shared pool and a pg-boss (send-only
// in the web process). One type for every engine entry point.
import type pg from "pg";
import type { PgBoss } from "pg-boss";

export interface EngineDeps {
  pool: pg.Pool;
  boss: PgBoss;
  /** Told about each job sent to start later, so a worker can fetch it on time rather than at
   * its next poll (NOTIFY fires when a job is sent, not when it becomes due). */
  onDelayedJob?: (at: Date) => void;
  /**
   * Set in a worker: the steps its results make ready are fetched by this worker (called after
   * the commit) instead of a NOTIFY that wakes every worker. Waking all of them for each step
   * made more workers slower: N fetches per hand-off, all but one of them empty. Other workers
   * still take a share whenever they fetch (a full batch, a free slot, their poll).
   */
  localJobs?: (queues: ReadonlySet<string>) => void;
  /** Told, inside the transaction, of each queue that got a job due now (see succeed.ts). */
  onQueued?: (queue: string) => void;
}
