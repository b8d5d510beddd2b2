// Sign-in throttling, shared by every web process through Postgres. Attempts are counted under
// up to three keys: the account from this address, this address, and the account from anywhere
// (the first two only when the address can be trusted: behind BATON_TRUSTED_PROXIES proxies;
// directly exposed, a client names its own address and could get someone else's slowed down).
// Past a key's free attempts, each further one blocks that key for twice as long as the one
// before (1 s, 2 s, 4 s ... up to its cap): attempts slow down, accounts are never locked. The
// account-wide key has a low cap (a minute), so strangers guessing from many places can slow its
// owner down a little but cannot keep them out; from their own address the owner is untouched.
//
// An attempt is admitted and counted in one transaction that holds its keys' rows, before the
// password is checked, so concurrent attempts queue on the rows: each wait lets exactly one
// attempt through, however many arrive at once. A right password takes its count back.
import type pg from "pg";
import { ApiError } from "../api/errors.ts";
import { transaction } from "../engine/tx.ts";

export type ThrottleKind = "account-address" | "address" | "account";

interface Rule {
  /** Attempts before any wait. */
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

/** The keys of an attempt; without a trustworthy address, the account's alone. */
export function throttleKeys(email: string, address: string | null): ThrottleKey[] {
  const account: ThrottleKey = { kind: "account", key: `account:${email}` };
  if (address === null) return [account];
  return [{ kind: "account-address", key: `account-address:${email}|${address}` }, { kind: "address", key: `address:${address}` }, account];
}

const why: Record<ThrottleKind, string> = {
  "account-address": "Too many failed sign-ins for this account from your address",
  address: "Too many failed sign-ins from your address",
  account: "Too many failed sign-ins for this account",
};

const waitSeconds = (rule: Rule, attempts: number) => (attempts > rule.free ? Math.min(rule.maxSeconds, 2 ** Math.min(attempts - rule.free - 1, 30)) : null);

/**
 * Lets an attempt through, counting it as a failure until it proves right (recordSuccess), or
 * refuses it (429 with Retry-After) while any of its keys waits; nothing is hashed then.
 */
export async function admitAttempt(pool: pg.Pool, keys: ThrottleKey[]): Promise<void> {
  const names = keys.map((k) => k.key).sort();
  await transaction(pool, async (tx) => {
    await tx.query(`insert into login_throttles (key, failures) select unnest($1::text[]), 0 on conflict (key) do nothing`, [names]);
    const { rows } = await tx.query<{ key: string; failures: number; quiet: boolean; wait: number | null }>(
      `select key, failures, last_failure_at < now() - make_interval(mins => $2) as quiet,
              ceil(extract(epoch from blocked_until - now()))::int as wait
         from login_throttles where key = any($1::text[]) order by key for update`,
      [names, QUIET_RESET_MINUTES],
    );
    const blocked = rows.filter((r) => (r.wait ?? 0) > 0).sort((a, b) => b.wait! - a.wait!)[0];
    if (blocked) {
      const kind = keys.find((k) => k.key === blocked.key)!.kind;
      throw new ApiError(429, "too-many-attempts", `${why[kind]}; wait ${blocked.wait} s before trying again.`, { retryAfter: blocked.wait });
    }
    const counts = rows.map((r) => {
      const attempts = (r.quiet ? 0 : r.failures) + 1;
      return { key: r.key, attempts, wait: waitSeconds(THROTTLE_RULES[keys.find((k) => k.key === r.key)!.kind], attempts), restart: r.quiet || r.failures === 0 };
    });
    await tx.query(
      `update login_throttles t set failures = c.attempts, last_failure_at = now(),
              first_failure_at = case when c.restart then now() else t.first_failure_at end,
              blocked_until = case when c.wait is null then null else now() + make_interval(secs => c.wait) end
         from unnest($1::text[], $2::int[], $3::int[], $4::bool[]) as c(key, attempts, wait, restart) where t.key = c.key`,
      [counts.map((c) => c.key), counts.map((c) => c.attempts), counts.map((c) => c.wait), counts.map((c) => c.restart)],
    );
  });
  // Keys quiet for the reset period carry no count any more.
  await pool.query(`delete from login_throttles where last_failure_at < now() - make_interval(mins => $1)`, [QUIET_RESET_MINUTES]);
}

/**
 * A wrong password: the waits this attempt started count from now, when the failure is known, not
 * from its admission (a password check slowed by load must not eat the wait it started).
 */
export async function recordFailure(pool: pg.Pool, keys: ThrottleKey[]): Promise<void> {
  await pool.query(
    `update login_throttles set blocked_until = now() + (blocked_until - last_failure_at), last_failure_at = now()
      where key = any($1::text[]) and blocked_until is not null`,
    [keys.map((k) => k.key)],
  );
}

/** A right password: its account's count from this address is cleared, and the attempt it
 * added to the others is taken back (with any wait it started). */
export async function recordSuccess(pool: pg.Pool, keys: ThrottleKey[]): Promise<void> {
  const others = keys.filter((k) => k.kind !== "account-address");
  await pool.query(
    `with gone as (delete from login_throttles where key = any($1::text[]))
     update login_throttles t set failures = greatest(t.failures - 1, 0),
            blocked_until = case when t.failures - 1 <= o.free then null else t.blocked_until end
       from unnest($2::text[], $3::int[]) as o(key, free) where t.key = o.key`,
    [keys.filter((k) => k.kind === "account-address").map((k) => k.key), others.map((k) => k.key), others.map((k) => THROTTLE_RULES[k.kind].free)],
  );
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
      where failures > 0 and last_failure_at >= now() - make_interval(mins => $2)
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
