// Transactions on the shared pool. Each engine state change is one transaction; a deadlock or
// serialization failure reruns it (nothing outside the database happens inside one).
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Db as BossDb } from "pg-boss";

export type Sql = Pick<pg.ClientBase, "query">;

const RETRYABLE = new Set(["40P01", "40001"]);

/** A checked-out client whose connection dies emits "error"; without a listener that would
 * crash the process. The failing query rejects anyway, so the listener only marks it broken. */
export async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; release(discard?: boolean): void }> {
  const client = await pool.connect();
  let broken = false;
  const onError = () => (broken = true);
  client.on("error", onError);
  return {
    client,
    release(discard = false) {
      client.off("error", onError);
      client.release(broken || discard);
    },
  };
}

export async function transaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { client, release } = await checkout(pool);
    let broken = false;
    try {
      await client.query("begin");
      const result = await fn(client);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => (broken = true));
      if (attempt < 5 && RETRYABLE.has((error as { code?: string }).code ?? "")) continue;
      throw error;
    } finally {
      release(broken);
    }
  }
}

// pg-boss's statements are long and sent unprepared, so Postgres plans each one every time
// (measured: planning cost as much as executing its insert). Through this adapter they become
// named prepared statements, planned once per connection. Texts are few and fixed; the cap
// only guards against a future version that inlines values. (Not for fetch: its generic plan
// measured slower than planning it each time.)
const prepared = new Map<string, string>();
const MAX_PREPARED = 200;

function statementName(text: string): string | undefined {
  let name = prepared.get(text);
  if (!name && prepared.size < MAX_PREPARED) {
    name = `pgboss_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    prepared.set(text, name);
  }
  return name;
}

/** pg-boss runs its statements through this: in our transaction (jobs commit with state), or
 * on our pool, as prepared statements. */
export const bossDb = (sql: Sql, options: { prepare?: boolean } = {}): BossDb => ({
  executeSql: (text, values) =>
    sql.query({ name: options.prepare === false ? undefined : statementName(text), text, values: values as unknown[] }),
});

/** `insert into t (a, b) values ($1, $2), ($3, $4)` for many rows in one round trip. */
export function valuesList(rows: unknown[][], casts: string[] = []): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = rows
    .map((row) => `(${row.map((v, i) => (values.push(v), `$${values.length}${casts[i] ? `::${casts[i]}` : ""}`)).join(", ")})`)
    .join(", ");
  return { text, values };
}
