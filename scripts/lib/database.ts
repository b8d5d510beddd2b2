// The database a launcher uses: DATABASE_URL when set, otherwise the embedded Postgres under
// BATON_DATA_DIR (started here, with a `baton` database created on first use).
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
  try {
    await ensureDatabase(server.url, "baton");
  } catch (error) {
    await server.stop();
    throw error;
  }
  // After a restart the supervisor stops the newest server; `stop` here is the first one's.
  let current = server;
  return {
    url: withDatabase(server.url, "baton"),
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
