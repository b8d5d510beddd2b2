// Circuit breakers, one per dependency (lib/dependencies/key.ts), shared by all workers through
// the `dependencies` row:
//
//   closed ──(failures ≥ threshold within the window)──▶ open ──(cool-down over)──▶ half_open
//   half_open ──(a probe succeeds)──▶ closed        half_open ──(a probe fails)──▶ open
//
// While open, a step on the dependency is held (lib/engine/hold.ts): it does not fail and does
// not burn an attempt. The closed path costs one indexed read per attempt and no write: calls
// that succeed are counted in memory and flushed every second; failures and probes are written
// at once, under the row's lock, because they decide the state. Every change is a
// DependencyEvent, written with it.
import type pg from "pg";
import { transaction, type Sql } from "../engine/tx.ts";

export type BreakerState = "closed" | "open" | "half_open";

/** Refused: wait until `until`; `reserved` when a rate-limit slot is kept for the step then. */
export type Admission = { ok: true; probe: boolean } | { ok: false; until: Date; reason: string; reserved?: boolean };

interface Row {
  key: string;
  state: BreakerState;
  failure_threshold: number;
  window_ms: number;
  cool_down_ms: number;
  half_open_probes: number;
  window_started_at: Date;
  failures: number;
  probes_in_flight: number;
  open_until: Date | null;
  forced: boolean;
  updated_at: Date;
  rate_per_second: number | null;
  burst: number;
  tokens: number;
  refilled_at: Date;
}

/** While probes are out in half-open, others wait this long (at most) before asking again. */
const PROBE_WAIT_MS = 2_000;

const time = (d: Date, ms = false) => d.toISOString().slice(11, ms ? 23 : 19);

async function event(sql: Sql, key: string, type: string, actor: string, data: Record<string, unknown> = {}) {
  await sql.query(`insert into dependency_events (key, type, actor, data) values ($1, $2, $3, $4::jsonb)`, [key, type, actor, JSON.stringify(data)]);
  await sql.query(`select pg_notify('baton_dependencies', $1)`, [key]);
}

async function lockRow(sql: Sql, key: string): Promise<Row> {
  await sql.query(`insert into dependencies (key) values ($1) on conflict (key) do nothing`, [key]);
  const { rows } = await sql.query(`select * from dependencies where key = $1 for update`, [key]);
  return rows[0];
}

export interface Breakers {
  /** May a step call `key` now? Open: not until `until`. Half-open: only as a probe. Rate
   * limited: when a token is left, or at the slot reserved for `stepRunId` earlier. */
  admit(key: string, stepRunId?: string): Promise<Admission>;
  /** Its concurrency limit (null: none), as read at most a second ago. */
  concurrencyOf(key: string): Promise<number | null>;
  succeeded(key: string, probe: boolean): Promise<void>;
  failed(key: string, probe: boolean, error: string): Promise<void>;
  /** Flushes counted calls and stops the timer. */
  stop(): Promise<void>;
}

export function createBreakers(pool: pg.Pool, actor: string): Breakers {
  const counted = new Map<string, number>();
  const flush = async () => {
    if (counted.size === 0) return;
    const keys = [...counted.keys()];
    const calls = keys.map((k) => counted.get(k)!);
    counted.clear();
    await pool.query(
      `insert into dependencies (key, calls) select * from unnest($1::text[], $2::int[])
       on conflict (key) do update set
         calls = case when dependencies.window_started_at < now() - make_interval(secs => dependencies.window_ms / 1000.0) then excluded.calls else dependencies.calls + excluded.calls end,
         failures = case when dependencies.window_started_at < now() - make_interval(secs => dependencies.window_ms / 1000.0) then 0 else dependencies.failures end,
         window_started_at = case when dependencies.window_started_at < now() - make_interval(secs => dependencies.window_ms / 1000.0) then now() else dependencies.window_started_at end`,
      [keys, calls],
    );
  };
  const timer = setInterval(() => void flush().catch(() => undefined), 1_000);
  timer.unref();
  const limits = new Map<string, { value: number | null; at: number }>();

  return {
    async admit(key, stepRunId) {
      // The common case, closed (or never seen) and not rate limited: a read, no lock.
      const { rows } = await pool.query({ name: "breaker-state", text: `select state, rate_per_second from dependencies where key = $1`, values: [key] });
      if (!rows[0] || (rows[0].state === "closed" && rows[0].rate_per_second === null)) return { ok: true, probe: false };
      return transaction(pool, async (tx): Promise<Admission> => {
        const row = await lockRow(tx, key);
        const breaker = await breakerAdmission(tx, row, key);
        if (!breaker.ok || row.rate_per_second === null) return breaker;
        const rate = await takeToken(tx, row, key, stepRunId);
        if (rate.ok) return breaker;
        // Held for its turn: a probe slot it was given goes back, or half-open would wait for a
        // probe that never goes.
        if (breaker.probe) await tx.query(`update dependencies set probes_in_flight = greatest(0, probes_in_flight - 1) where key = $1`, [key]);
        return rate;
      });
    },

    async concurrencyOf(key) {
      const cached = limits.get(key);
      if (cached && Date.now() - cached.at < 1_000) return cached.value;
      const { rows } = await pool.query({ name: "dependency-concurrency", text: `select max_concurrent from dependencies where key = $1`, values: [key] });
      const value = (rows[0]?.max_concurrent as number | null | undefined) ?? null;
      limits.set(key, { value, at: Date.now() });
      return value;
    },

    async succeeded(key, probe) {
      if (!probe) {
        counted.set(key, (counted.get(key) ?? 0) + 1);
        return;
      }
      await transaction(pool, async (tx) => {
        const row = await lockRow(tx, key);
        if (row.state !== "half_open") return;
        await tx.query(
          `update dependencies set state = 'closed', failures = 0, calls = 1, probes_in_flight = 0, window_started_at = now(), opened_at = null, open_until = null, updated_at = now() where key = $1`,
          [key],
        );
        await event(tx, key, "closed", actor, { reason: "a probe succeeded" });
      });
    },

    async failed(key, probe, error) {
      await transaction(pool, async (tx) => {
        const row = await lockRow(tx, key);
        const message = error.slice(0, 500);
        if (row.state === "half_open" && probe) {
          const until = new Date(Date.now() + row.cool_down_ms);
          await tx.query(`update dependencies set state = 'open', opened_at = now(), open_until = $2, probes_in_flight = 0, last_error = $3, updated_at = now() where key = $1`, [key, until, message]);
          await event(tx, key, "opened", actor, { reason: "a probe failed", error: message, until: until.toISOString() });
          return;
        }
        const expired = row.window_started_at.getTime() < Date.now() - row.window_ms;
        const failures = (expired ? 0 : row.failures) + 1;
        const opens = row.state === "closed" && failures >= row.failure_threshold;
        const until = new Date(Date.now() + row.cool_down_ms);
        await tx.query(
          `update dependencies set failures = $2, calls = case when $3 then 1 else calls + 1 end, window_started_at = case when $3 then now() else window_started_at end,
                  last_error = $4, updated_at = now(),
                  state = case when $5 then 'open' else state end, opened_at = case when $5 then now() else opened_at end, open_until = case when $5 then $6::timestamptz else open_until end
            where key = $1`,
          [key, failures, expired, message, opens, until],
        );
        if (opens) await event(tx, key, "opened", actor, { reason: `${failures} failures within ${row.window_ms / 1000} s`, error: message, until: until.toISOString() });
      });
    },

    async stop() {
      clearInterval(timer);
      await flush().catch(() => undefined);
    },
  };
}

/** The breaker's part of an admission, on the locked row (which it updates when it half-opens). */
async function breakerAdmission(tx: Sql, row: Row, key: string): Promise<Admission> {
  if (row.state === "closed") return { ok: true, probe: false };
  if (row.state === "open") {
    if (row.forced || !row.open_until) return { ok: false, until: new Date(Date.now() + row.cool_down_ms), reason: `circuit ${key} forced open until someone resets it` };
    if (row.open_until > new Date()) return { ok: false, until: row.open_until, reason: `circuit ${key} open until ${time(row.open_until)}` };
    await tx.query(`update dependencies set state = 'half_open', probes_in_flight = 0, updated_at = now() where key = $1`, [key]);
    await event(tx, key, "half_opened", "system:breakers");
    row.state = "half_open";
    row.probes_in_flight = 0;
  }
  // A probe whose worker died never reports: after a cool-down its slot is free again.
  const stale = row.updated_at.getTime() < Date.now() - row.cool_down_ms;
  const inFlight = stale ? 0 : row.probes_in_flight;
  if (inFlight >= row.half_open_probes) {
    const until = new Date(Date.now() + Math.min(PROBE_WAIT_MS, row.cool_down_ms));
    return { ok: false, until, reason: `circuit ${key} half-open: waiting for its probe` };
  }
  await tx.query(`update dependencies set probes_in_flight = $2, updated_at = now() where key = $1`, [key, inFlight + 1]);
  return { ok: true, probe: true };
}

/**
 * The rate limit, a token bucket refilled at `rate_per_second` up to `burst`. A call that finds
 * no token takes one anyway (the bucket goes below zero) and is told when that token exists: its
 * slot, kept for it, so held steps go in the order they came and the rate holds exactly.
 */
async function takeToken(tx: Sql, row: Row, key: string, stepRunId: string | undefined): Promise<Admission> {
  if (stepRunId) {
    const { rows } = await tx.query(`delete from dependency_waits where step_run_id = $1 and key = $2 and reserved returning until`, [stepRunId, key]);
    // Its slot came: the token was taken when it was reserved.
    if (rows[0] && rows[0].until.getTime() <= Date.now() + 50) return { ok: true, probe: false };
    if (rows[0]) return { ok: false, until: rows[0].until, reason: `rate limit ${row.rate_per_second}/s of ${key}: its turn at ${time(rows[0].until, true)}`, reserved: true };
  }
  const rate = row.rate_per_second!;
  const now = Date.now();
  const tokens = Math.min(row.burst, row.tokens + ((now - row.refilled_at.getTime()) / 1000) * rate) - 1;
  await tx.query(`update dependencies set tokens = $2, refilled_at = $3 where key = $1`, [key, tokens, new Date(now)]);
  if (tokens >= 0) return { ok: true, probe: false };
  const until = new Date(now + (-tokens / rate) * 1000);
  return { ok: false, until, reason: `rate limit ${rate}/s of ${key}: its turn at ${time(until, true)}`, reserved: true };
}
