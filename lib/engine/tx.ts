// Transactions on the shared pool. Each engine state change is one transaction; a deadlock or
// serialization failure reruns it (nothing outside the database happens inside one).
import type pg from "pg";
import type { Db as BossDb } from "pg-boss";

export type Sql = Pick<pg.ClientBase, "query">;

const RETRYABLE = new Set(["40P01", "40001"]);

export async function transaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
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
      client.release(broken);
    }
  }
}

/** pg-boss runs its statements on our transaction through this, so jobs commit with state. */
export const bossDb = (sql: Sql): BossDb => ({
  executeSql: (text, values) => sql.query(text, values as unknown[]),
});

/** `insert into t (a, b) values ($1, $2), ($3, $4)` for many rows in one round trip. */
export function valuesList(rows: unknown[][], casts: string[] = []): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = rows
    .map((row) => `(${row.map((v, i) => (values.push(v), `$${values.length}${casts[i] ? `::${casts[i]}` : ""}`)).join(", ")})`)
    .join(", ");
  return { text, values };
}
