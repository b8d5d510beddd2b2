// One parameterised statement in its own transaction (read-only when asked), with a statement
// timeout, on a connection opened for the attempt: a Postgres credential's (under the egress
// policy, which refuses Baton's own database server) or the app database (BATON_APP_DATABASE_URL,
// a role without access to Baton's database). Rows are read through a portal, at most maxRows + 1
// of them, so a query that matches millions of rows costs the worker no more than the limit.
import pg from "pg";
import Cursor from "pg-cursor";
import { definitions } from "#lib/steps/index.ts";
import { env } from "#lib/env.ts";
import { NonRetryableError, RetryableError } from "#lib/engine/errors.ts";
import { checkedAddress } from "#lib/net/outbound.ts";
import { defineExecutor } from "./types.ts";

/** SQLSTATE classes that running the same statement again cannot fix: syntax, access, data,
 * integrity, a read-only transaction, a cancelled statement (the timeout). */
const FINAL_STATES = /^(42|22|23|25|28|2B|2D|3F|44|57014)/;

export const database = defineExecutor(definitions.database, async (config, ctx) => {
  const url = config.credential ? (await ctx.openCredential(config.credential, "postgres")).value : env.BATON_APP_DATABASE_URL;
  if (!url) throw new NonRetryableError("no database to run on: choose a Postgres credential, or set BATON_APP_DATABASE_URL (npm start makes one)", { code: "database_missing" });
  const target = URL.parse(url);
  if (!target || !/^postgres(ql)?:$/.test(target.protocol)) throw new NonRetryableError(`the credential ${config.credential} is not a postgres:// URL`, { code: "database_url" });
  const named = decodeURIComponent(target.hostname).replace(/^\[|\]$/g, "");
  // A credential's server passes the egress policy; the app database is Baton's own setting.
  const host = config.credential ? await checkedAddress(named, Number(target.port) || 5432) : named;
  const client = new pg.Client({ connectionString: url, host, connectionTimeoutMillis: 10_000, statement_timeout: config.timeoutMs, application_name: `baton:${ctx.stepKey}` });
  const abort = () => void client.end().catch(() => {});
  ctx.signal.addEventListener("abort", abort, { once: true });
  try {
    await client.connect();
    await client.query(config.readOnly ? "begin transaction read only" : "begin");
    const { rows, command, rowCount } = await readAtMost(client, config.sql, config.params as unknown[], config.maxRows + 1);
    await client.query("commit");
    if (rows.length > config.maxRows) {
      ctx.log("info", `${command ?? "statement"}: more than ${config.maxRows} row(s), the first ${config.maxRows} kept`);
      return { output: { rows: rows.slice(0, config.maxRows), rowCount: config.maxRows, truncated: true } };
    }
    ctx.log("info", `${command ?? "statement"}: ${rowCount ?? rows.length} row(s)`);
    return { output: { rows, rowCount: rowCount ?? rows.length } };
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    const message = code === "57014" ? `the statement ran past ${config.timeoutMs} ms and was cancelled` : `the database refused the statement: ${(error as Error).message}`;
    throw FINAL_STATES.test(code) ? new NonRetryableError(message, { code: `sqlstate_${code}` }) : new RetryableError(message, { code: code ? `sqlstate_${code}` : "database_unreachable" });
  } finally {
    ctx.signal.removeEventListener("abort", abort);
    await client.end().catch(() => {});
  }
});

/** Runs the statement in a portal and reads at most `limit` rows; the portal is closed after. */
async function readAtMost(client: pg.Client, text: string, values: unknown[], limit: number) {
  const cursor = client.query(new Cursor(text, values));
  try {
    return await new Promise<{ rows: Record<string, unknown>[]; command?: string; rowCount: number | null }>((resolve, reject) =>
      cursor.read(limit, (error, rows, result) => (error ? reject(error) : resolve({ rows, command: result?.command, rowCount: result?.command ? result.rowCount : null }))),
    );
  } finally {
    await cursor.close().catch(() => {});
  }
}
