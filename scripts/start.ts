// `npm start`: the whole product in one command. Starts the embedded Postgres (unless
// DATABASE_URL is set), applies migrations and first-start data, builds the web app if needed,
// then runs the web and worker processes until Ctrl-C / SIGTERM, and stops them in order:
// web and worker first (the worker drains), the database last.
import { env } from "#lib/env.ts";
import { log } from "#lib/log.ts";
import { prepareDatabase } from "#lib/db/prepare.ts";
import { openDatabase } from "./lib/database.ts";
import { buildIfStale, nextBin } from "./lib/build.ts";
import { startChild, stopChildren, type Child } from "./lib/children.ts";
import { announceAdmin, portInUse, waitForHealth } from "./lib/announce.ts";

if (await portInUse(env.PORT)) {
  log.fatal(`Port ${env.PORT} is already in use (is Baton running already?). Stop that process, or start with PORT=<another port>.`);
  process.exit(1);
}

const database = await openDatabase(env, (line) => log.info(line)).catch((error) => {
  log.fatal(`could not start the database: ${error.message}`);
  process.exit(1);
});

let children: Child[] = [];
let stopping: Promise<void> | undefined;

function shutdown(reason: string, exitCode: number): Promise<void> {
  stopping ??= (async () => {
    log.info({ reason }, "stopping Baton");
    await stopChildren(children, env.WORKER_SHUTDOWN_GRACE_MS + 5_000, log);
    await database.stop();
    log.info("stopped");
    process.exit(exitCode);
  })();
  return stopping;
}

process.on("SIGINT", () => (stopping ? children.forEach((c) => c.signal("SIGKILL")) : void shutdown("SIGINT", 0)));
process.on("SIGTERM", () => void shutdown("SIGTERM", 0));

try {
  const prepared = await prepareDatabase(database.url, env);
  if (prepared.applied.length) log.info({ migrations: prepared.applied }, "database migrated");
  await buildIfStale(log);

  // On the embedded database everything runs on this machine: workflows may call loopback
  // addresses (local development) unless BATON_EGRESS_ALLOW says otherwise (`none` locks it down).
  const egressDefault = database.embedded && !process.env.BATON_EGRESS_ALLOW ? { BATON_EGRESS_ALLOW: "loopback" } : {};
  const common = { ...process.env, ...egressDefault, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" };
  children = [
    startChild("web", [nextBin, "start", "--port", String(env.PORT)], { ...common, BATON_PROCESS: "web", NODE_ENV: "production" }),
    startChild("worker", ["worker/main.ts"], { ...common, BATON_PROCESS: "worker" }, { ipc: true }),
  ];
  for (const child of children) {
    void child.exited.then((code) => {
      if (!stopping) {
        log.error(`${child.name} process exited unexpectedly (code ${code}); stopping the rest. See its log lines above.`);
        void shutdown(`${child.name} crashed`, 1);
      }
    });
  }
  void database.exited.then((code) => {
    if (!stopping) {
      log.error(`embedded Postgres exited unexpectedly (code ${code}); see ${database.logFile}`);
      void shutdown("database crashed", 1);
    }
  });

  announceAdmin(prepared.admin, env.PORT, await waitForHealth(env.PORT, () => !!stopping));
} catch (error) {
  log.fatal((error as Error).message);
  await shutdown("start-up failed", 1);
}
