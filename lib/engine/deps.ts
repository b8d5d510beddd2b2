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
}
