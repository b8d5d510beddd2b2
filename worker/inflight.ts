// The attempts this worker is running. Every few seconds it renews their leases in one
// statement; an attempt whose row is no longer running (cancelled, skipped, or taken over
// after a lost lease) is aborted. NOTIFY baton_cancel aborts them sooner.
import type pg from "pg";
import { log } from "#lib/log.ts";

export type AbortReason = "cancelled" | "shutdown" | "timeout";

interface Entry {
  attempt: number;
  controller: AbortController;
}

export const LEASE_RENEW_MS = 5_000;

export class InFlight {
  readonly #entries = new Map<string, Entry>();
  readonly #pool: pg.Pool;
  #timer?: NodeJS.Timeout;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  get size() {
    return this.#entries.size;
  }

  add(stepRunId: string, attempt: number): AbortController {
    const controller = new AbortController();
    this.#entries.set(stepRunId, { attempt, controller });
    return controller;
  }

  delete(stepRunId: string) {
    this.#entries.delete(stepRunId);
  }

  abort(stepRunIds: Iterable<string>, reason: AbortReason) {
    for (const id of stepRunIds) this.#entries.get(id)?.controller.abort(reason);
  }

  abortAll(reason: AbortReason) {
    this.abort([...this.#entries.keys()], reason);
  }

  startRenewing() {
    this.#timer = setInterval(() => void this.renew(), LEASE_RENEW_MS);
    this.#timer.unref();
  }

  stopRenewing() {
    clearInterval(this.#timer);
  }

  async renew() {
    if (this.#entries.size === 0) return;
    const ids = [...this.#entries.keys()];
    try {
      const { rows } = await this.#pool.query<{ id: string; attempt: number }>(
        `update step_runs set heartbeat_at = now() where id = any($1::uuid[]) and status = 'running' returning id, attempt`,
        [ids],
      );
      const live = new Set(rows.map((r) => `${r.id}:${r.attempt}`));
      const gone = ids.filter((id) => {
        const entry = this.#entries.get(id);
        return entry && !live.has(`${id}:${entry.attempt}`);
      });
      if (gone.length) this.abort(gone, "cancelled");
    } catch (error) {
      // The database is unreachable: keep running; the lease is renewed on the next beat.
      log.warn({ err: error }, "could not renew step leases");
    }
  }
}
