// Once per `vitest run`: an embedded Postgres (throwaway, fsync off) with a migrated template
// database that each test file clones, and a fresh Next.js build for the web processes tests
// start. Test files find the server through BATON_TEST_PG_URL.
import { mkdtemp, rm, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { withDatabase } from "../../lib/db/url.ts";
import { ensureDatabase } from "../../scripts/lib/database.ts";
import { buildIfStale } from "../../scripts/lib/build.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";

export const TEMPLATE_DB = "baton_template";

export default async function setup() {
  // Every vitest project runs its global setup in this one process; the first one serves all.
  if (process.env.BATON_TEST_PG_URL) return;
  const dir = await mkdtemp(join(tmpdir(), "baton-test-"));
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: dir, port: 0, ephemeral: true });
  await ensureDatabase(server.url, TEMPLATE_DB);
  await applyMigrations(withDatabase(server.url, TEMPLATE_DB));
  process.env.BATON_TEST_PG_URL = server.url;
  process.env.BATON_TEST_PG_DIR = dir;
  await buildIfStale(pino({ level: "info" }));
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
