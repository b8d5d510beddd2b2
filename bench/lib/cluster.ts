// The database and processes a benchmark runs on: one Postgres (embedded, or BENCH_DATABASE_URL),
// a migrated template database, and per scenario a fresh database with a web process and
// workers, driven through the API with an admin token.
import { mkdtemp, rm, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { ensureDatabase } from "../../scripts/lib/database.ts";
import { withDatabase } from "../../lib/db/url.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { createDb, type DbHandles } from "../../lib/db.ts";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { createApiToken } from "../../lib/admin/api-tokens.ts";
import { startWeb, startWorker, type Proc, type Web } from "../../tests/helpers/processes.ts";
import { Client } from "../../tests/helpers/http.ts";

const TEMPLATE = "bench_template";

export interface Cluster {
  serverUrl: string;
  postgresVersion: string;
  freshDatabase(): Promise<{ url: string; handles: DbHandles }>;
  stop(): Promise<void>;
}

/** `settings` are extra server settings for the embedded Postgres (ignored with BENCH_DATABASE_URL). */
export async function startCluster(log: (line: string) => void, settings: string[] = []): Promise<Cluster> {
  let embedded: EmbeddedPostgres | undefined;
  let dir: string | undefined;
  let serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) {
    dir = await mkdtemp(join(tmpdir(), "baton-bench-"));
    await chmod(dir, 0o755);
    // Durable settings (fsync on), as in production: the figures are about what users get.
    // BENCH_PG_SETTINGS="a=1 b=2" adds server settings, e.g. to profile with pg_stat_statements.
    embedded = await startEmbeddedPostgres({ dataDir: dir, port: 0, settings: [...settings, ...(process.env.BENCH_PG_SETTINGS?.split(/\s+/).filter(Boolean) ?? [])] });
    serverUrl = embedded.url;
    log(`embedded Postgres on port ${embedded.port}`);
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const postgresVersion = (await admin.query("show server_version")).rows[0].server_version;
  await admin.query(`drop database if exists ${TEMPLATE} with (force)`);
  await admin.end();
  await ensureDatabase(serverUrl, TEMPLATE);
  await applyMigrations(withDatabase(serverUrl, TEMPLATE));
  const created: string[] = [];
  return {
    serverUrl,
    postgresVersion,
    async freshDatabase() {
      const name = `bench_${randomBytes(4).toString("hex")}`;
      await ensureDatabase(serverUrl, name, TEMPLATE);
      created.push(name);
      const url = withDatabase(serverUrl, name);
      return { url, handles: createDb(url, 5) };
    },
    async stop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      for (const name of [...created, TEMPLATE]) await c.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await c.end();
      await embedded?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Ctrl-C or SIGTERM stops the database too (web and worker processes die with this one). */
export function stopOnSignal(stop: () => Promise<void>): void {
  const handler = (signal: NodeJS.Signals) => {
    console.error(`[bench] ${signal}: stopping`);
    void stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
}

export interface Stack {
  url: string;
  db: DbHandles;
  web: Web;
  workers: Proc[];
  client: Client;
  /** Starts `n` more worker processes (with the stack's worker settings). */
  addWorkers(n: number): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh database with an admin token, a web process and `workers` worker processes. */
export async function startStack(cluster: Cluster, workers: number, workerEnv: Record<string, string> = {}, webEnv: Record<string, string> = {}): Promise<Stack> {
  const { url, handles } = await cluster.freshDatabase();
  await handles.prisma.user.create({
    data: { email: "bench@baton.local", name: "Bench", role: "admin", passwordHash: await hashPassword(randomBytes(16).toString("hex")) },
  });
  const { token } = await createApiToken({ name: "bench", role: "admin" }, { label: "system", userId: null }, handles.prisma);
  const web = await startWeb(url, webEnv);
  const procs = await Promise.all(Array.from({ length: workers }, () => startWorker(url, { PORT: new URL(web.url).port, ...workerEnv }))).catch(async (error) => {
    await web.stop();
    throw error;
  });
  const client = new Client(web.url);
  client.token = token;
  return {
    url,
    db: handles,
    web,
    workers: procs,
    client,
    async addWorkers(n) {
      procs.push(...(await Promise.all(Array.from({ length: n }, () => startWorker(url, { PORT: new URL(web.url).port, ...workerEnv })))));
    },
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      await web.stop();
      await handles.close();
    },
  };
}

export async function publishWorkflow(client: Client, definition: unknown, name: string): Promise<string> {
  const created = await client.post("/workflows", { name, definition }, { origin: null });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const published = await client.post(`/workflows/${created.json.id}/versions`, {}, { origin: null });
  if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${published.text}`);
  return created.json.id;
}

export async function waitForRuns(db: DbHandles, ids: string[], timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.pool.query(
      `select count(*) filter (where status in ('succeeded', 'failed', 'cancelled'))::int as done,
              count(*) filter (where status in ('failed', 'cancelled'))::int as bad
         from runs where id = any($1::uuid[])`,
      [ids],
    );
    if (rows[0].bad > 0) throw new Error(`${rows[0].bad} of ${ids.length} runs did not succeed`);
    if (rows[0].done === ids.length) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0].done} of ${ids.length} runs finished in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
