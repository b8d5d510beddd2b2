// Sign-in throttling, shared by every web process through Postgres. Failed sign-ins are counted
// under three keys: the account from this address, this address, and the account from anywhere.
// Past a key's free failures, each further failure blocks that key for twice as long as the one
// before (1 s, 2 s, 4 s ... up to its cap): attempts slow down, accounts are never locked. The
// account-wide key has a low cap (a minute), so strangers guessing from many places can slow its
// owner down a little but cannot keep them out; from their own address the owner is untouched.
import type pg from "pg";
import { ApiError } from "../api/errors.ts";
import type { Sql } from "../engine/tx.ts";

export type ThrottleKind = "account-address" | "address" | "account";

interface Rule {
  /** Failures before any wait. */
  free: number;
  /** The longest wait. */
  maxSeconds: number;
}

export const THROTTLE_RULES: Record<ThrottleKind, Rule> = {
  "account-address": { free: 5, maxSeconds: 15 * 60 },
  address: { free: 20, maxSeconds: 15 * 60 },
  account: { free: 50, maxSeconds: 60 },
};

/** After this long without a failure, a key's count starts again; older rows are deleted. */
export const QUIET_RESET_MINUTES = 60;

export interface ThrottleKey {
  kind: ThrottleKind;
  key: string;
}

export function throttleKeys(email: string, address: string): ThrottleKey[] {
  return [
    { kind: "account-address", key: `account-address:${email}|${address}` },
    { kind: "address", key: `address:${address}` },
    { kind: "account", key: `account:${email}` },
  ];
}

const why: Record<ThrottleKind, string> = {
  "account-address": "Too many failed sign-ins for this account from your address",
  address: "Too many failed sign-ins from your address",
  account: "Too many failed sign-ins for this account",
};

/** Refuses (429, with Retry-After) while any of the keys is blocked; nothing is hashed then. */
export async function assertNotThrottled(sql: Sql, keys: ThrottleKey[]): Promise<void> {
  const { rows } = await sql.query<{ key: string; wait: number }>(
    `select key, ceil(extract(epoch from blocked_until - now()))::int as wait
       from login_throttles where key = any($1::text[]) and blocked_until > now() order by blocked_until desc limit 1`,
    [keys.map((k) => k.key)],
  );
  if (!rows[0]) return;
  const kind = keys.find((k) => k.key === rows[0].key)!.kind;
  const retryAfter = Math.max(1, rows[0].wait);
  throw new ApiError(429, "too-many-attempts", `${why[kind]}; wait ${retryAfter} s before trying again.`, { retryAfter });
}

/** Counts a failure under each key and blocks those past their free failures. */
export async function recordFailure(sql: Sql, keys: ThrottleKey[]): Promise<void> {
  const quiet = `t.last_failure_at < now() - make_interval(mins => $2)`;
  const { rows } = await sql.query<{ key: string; failures: number }>(
    `insert into login_throttles as t (key, failures) select unnest($1::text[]), 1
     on conflict (key) do update set
       failures = case when ${quiet} then 1 else t.failures + 1 end,
       first_failure_at = case when ${quiet} then now() else t.first_failure_at end,
       last_failure_at = now()
     returning key, failures`,
    [keys.map((k) => k.key), QUIET_RESET_MINUTES],
  );
  const blocks = rows.flatMap(({ key, failures }) => {
    const rule = THROTTLE_RULES[keys.find((k) => k.key === key)!.kind];
    const over = failures - rule.free;
    return over > 0 ? [{ key, seconds: Math.min(rule.maxSeconds, 2 ** Math.min(over - 1, 30)) }] : [];
  });
  if (blocks.length) {
    await sql.query(
      `update login_throttles t set blocked_until = now() + make_interval(secs => b.seconds)
         from unnest($1::text[], $2::int[]) as b(key, seconds) where t.key = b.key`,
      [blocks.map((b) => b.key), blocks.map((b) => b.seconds)],
    );
  }
  // Keys quiet for the reset period carry no count any more.
  await sql.query(`delete from login_throttles where last_failure_at < now() - make_interval(mins => $1)`, [QUIET_RESET_MINUTES]);
}

/** A right password from an address clears that account's count from that address only. */
export async function recordSuccess(sql: Sql, keys: ThrottleKey[]): Promise<void> {
  await sql.query(`delete from login_throttles where key = any($1::text[])`, [keys.filter((k) => k.kind === "account-address").map((k) => k.key)]);
}

export interface ThrottleRow {
  key: string;
  kind: ThrottleKind;
  /** The email and/or address the key counts. */
  email: string | null;
  address: string | null;
  failures: number;
  firstFailureAt: Date;
  lastFailureAt: Date;
  blockedUntil: Date | null;
}

export function parseThrottleKey(key: string): Pick<ThrottleRow, "kind" | "email" | "address"> {
  const [kind, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)] as [ThrottleKind, string];
  if (kind === "account-address") {
    const bar = rest.lastIndexOf("|");
    return { kind, email: rest.slice(0, bar), address: rest.slice(bar + 1) };
  }
  return kind === "address" ? { kind, email: null, address: rest } : { kind, email: rest, address: null };
}

/** Current counts, blocked ones first, for admins. */
export async function listThrottles(pool: pg.Pool, limit = 500): Promise<ThrottleRow[]> {
  const { rows } = await pool.query(
    `select key, failures, first_failure_at, last_failure_at, blocked_until from login_throttles
      where last_failure_at >= now() - make_interval(mins => $2)
      order by blocked_until > now() desc nulls last, last_failure_at desc limit $1`,
    [limit, QUIET_RESET_MINUTES],
  );
  return rows.map((r) => ({
    key: r.key,
    ...parseThrottleKey(r.key),
    failures: r.failures,
    firstFailureAt: r.first_failure_at,
    lastFailureAt: r.last_failure_at,
    blockedUntil: r.blocked_until && r.blocked_until > new Date() ? r.blocked_until : null,
  }));
}
