// The database a launcher uses: DATABASE_URL when set, otherwise the embedded Postgres under
// BATON_DATA_DIR (started here, with a `baton` database created on first use).
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import type { Env } from "#lib/env.ts";
import { withDatabase } from "#lib/db/url.ts";
import { portIsFree, startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.ts";
import type { Running } from "./supervisor.ts";

const DEFAULT_PG_PORT = 54320;

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
  /** The embedded server's `app` database for the Database step, as its own role. */
  appUrl?: string;
  /** The embedded server's log file. */
  logFile?: string;
  /** Resolves if the embedded server dies on its own; never for an external one. */
  exited: Promise<number | null>;
  /** The embedded server, for the supervisor: running now, and how to start it again (same data, same port). */
  server?: { running: Running; restart(): Promise<Running> };
}

const asRunning = (server: EmbeddedPostgres): Running => ({ pid: server.pid, exit: server.exit, stop: server.stop });

export async function openDatabase(env: Env, onLog: (line: string) => void): Promise<Database> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, stop: async () => {}, exited: new Promise(() => {}) };
  }
  const port = env.BATON_PG_PORT ?? ((await portIsFree(DEFAULT_PG_PORT)) ? DEFAULT_PG_PORT : 0);
  const server = await startEmbeddedPostgres({ dataDir: `${env.BATON_DATA_DIR}/postgres`, port, onLog });
  let appUrl: string;
  try {
    await ensureDatabase(server.url, "baton");
    appUrl = await ensureAppDatabase(server.url, "baton", `${env.BATON_DATA_DIR}/postgres`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  // After a restart the supervisor stops the newest server; `stop` here is the first one's.
  let current = server;
  return {
    url: withDatabase(server.url, "baton"),
    appUrl,
    embedded: true,
    stop: () => current.stop(),
    exited: server.exited,
    logFile: `${server.dataDir}/postgres.log`,
    server: {
      running: asRunning(server),
      async restart() {
        // Postgres replays its write-ahead log on start: nothing committed is lost.
        current = await startEmbeddedPostgres({ dataDir: `${env.BATON_DATA_DIR}/postgres`, port: server.port, onLog });
        return asRunning(current);
      },
    },
  };
}

/** Creates `name` on the server at `serverUrl` unless it exists. `template` clones a database. */
export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      const from = template ? ` template ${client.escapeIdentifier(template)}` : "";
      await client.query(`create database ${client.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * The `app` database for users' own tables (the Database step without a credential), owned by a
 * role of its own that cannot connect to Baton's database (`baton` is closed to PUBLIC). The
 * role's password is kept in the data folder, owner-only. Returns its connection URL.
 */
export async function ensureAppDatabase(serverUrl: string, batonDatabase: string, dir: string): Promise<string> {
  const file = join(dir, "app-credentials.json");
  let password: string;
  try {
    password = JSON.parse(await readFile(file, "utf8")).password;
  } catch {
    password = randomBytes(18).toString("base64url");
    await writeFile(file, JSON.stringify({ user: APP_ROLE, password }) + "\n", { mode: 0o600 });
  }
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_roles where rolname = $1", [APP_ROLE]);
    const literal = client.escapeLiteral(password);
    await client.query(`${rowCount ? "alter" : "create"} role ${APP_ROLE} login nosuperuser nocreatedb nocreaterole password ${literal}`);
    await client.query(`revoke connect on database ${client.escapeIdentifier(batonDatabase)} from public`);
  } finally {
    await client.end();
  }
  const { rowCount } = await queryOnce(serverUrl, "select 1 from pg_database where datname = 'app'");
  if (!rowCount) await queryOnce(serverUrl, `create database app owner ${APP_ROLE}`);
  const url = new URL(withDatabase(serverUrl, "app"));
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}

const APP_ROLE = "baton_app";

async function queryOnce(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}
