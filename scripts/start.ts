// `npm start`: the whole product in one command. Starts the embedded Postgres (unless
// DATABASE_URL is set), applies migrations and first-start data, builds the web app if needed,
// then runs the web and worker processes, restarting any of the three that crashes (see
// lib/supervisor.ts), until Ctrl-C / SIGTERM; then it stops them in order: web and worker first
// (the worker drains), the database last.
import { env } from "#lib/env.ts";
import { log } from "#lib/log.ts";
import { prepareDatabase } from "#lib/db/prepare.ts";
import { openDatabase } from "./lib/database.ts";
import { buildIfStale, nextBin } from "./lib/build.ts";
import { startChild, supervised } from "./lib/children.ts";
import { announceAdmin, portInUse, waitForHealth } from "./lib/announce.ts";
import { Supervisor } from "./lib/supervisor.ts";
import { processEventRecorder } from "./lib/process-events.ts";

if (await portInUse(env.PORT)) {
  log.fatal(`Port ${env.PORT} is already in use (is Baton running already?). Stop that process, or start with PORT=<another port>.`);
  process.exit(1);
}

const database = await openDatabase(env, (line) => log.info(line)).catch((error) => {
  log.fatal(`could not start the database: ${error.message}`);
  process.exit(1);
});

const events = processEventRecorder(database.url, log);
const supervisor = new Supervisor({
  log,
  onEvent: (event) => events.record(event),
  onGiveUp: (name) => void shutdown(`${name} crashed repeatedly`, 1),
});
if (database.server) supervisor.adopt("postgres", database.server.running, database.server.restart);

let stopping: Promise<void> | undefined;

function shutdown(reason: string, exitCode: number): Promise<void> {
  stopping ??= (async () => {
    log.info({ reason }, "stopping Baton");
    await supervisor.stop(["web", "worker"]);
    await events.close();
    await supervisor.stop(["postgres"]);
    await database.stop();
    log.info("stopped");
    process.exit(exitCode);
  })();
  return stopping;
}

process.on("SIGINT", () => (stopping ? supervisor.kill() : void shutdown("SIGINT", 0)));
process.on("SIGTERM", () => void shutdown("SIGTERM", 0));

try {
  const prepared = await prepareDatabase(database.url, env);
  if (prepared.applied.length) log.info({ migrations: prepared.applied }, "database migrated");
  await buildIfStale(log);

  // On the embedded database everything runs on this machine: workflows may call loopback
  // addresses (local development) unless BATON_EGRESS_ALLOW says otherwise (`none` locks it down).
  const egressDefault = database.embedded && !process.env.BATON_EGRESS_ALLOW ? { BATON_EGRESS_ALLOW: "loopback" } : {};
  // The Database step's own database (embedded only; set BATON_APP_DATABASE_URL for another).
  const appDatabase = database.appUrl && !process.env.BATON_APP_DATABASE_URL ? { BATON_APP_DATABASE_URL: database.appUrl } : {};
  const common = { ...process.env, ...egressDefault, ...appDatabase, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" };
  const grace = env.WORKER_SHUTDOWN_GRACE_MS + 5_000;
  const started = await Promise.all([
    supervisor.start("web", async () => supervised(startChild("web", [nextBin, "start", "--port", String(env.PORT)], { ...common, BATON_PROCESS: "web", NODE_ENV: "production" }), grace, log)),
    supervisor.start("worker", async () => supervised(startChild("worker", ["worker/main.ts"], { ...common, BATON_PROCESS: "worker" }, { ipc: true }), grace, log)),
  ]);
  log.info({ web: started[0].pid, worker: started[1].pid, postgres: database.server?.running.pid }, "processes started");
  announceAdmin(prepared.admin, env.PORT, await waitForHealth(env.PORT, () => !!stopping));
} catch (error) {
  log.fatal((error as Error).message);
  await shutdown("start-up failed", 1);
}
