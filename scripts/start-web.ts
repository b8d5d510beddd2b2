// `npm run start:web`: the web process alone, for deployments that scale web and worker apart.
// Needs DATABASE_URL; applies migrations and first-start data, builds if needed, runs `next start`.
import { env } from "#lib/env.ts";
import { log } from "#lib/log.ts";
import { prepareDatabase } from "#lib/db/prepare.ts";
import { buildIfStale, nextBin } from "./lib/build.ts";
import { startChild, stopChildren } from "./lib/children.ts";
import { announceAdmin, waitForHealth } from "./lib/announce.ts";

if (!env.DATABASE_URL) {
  log.fatal("start:web needs DATABASE_URL. For everything on one machine with an embedded Postgres, use `npm start`.");
  process.exit(2);
}

const prepared = await prepareDatabase(env.DATABASE_URL, env);
await buildIfStale(log);
const web = startChild("web", [nextBin, "start", "--port", String(env.PORT)], {
  ...process.env,
  BATON_PROCESS: "web",
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
});
let stopping = false;
const stop = async () => {
  stopping = true;
  await stopChildren([web], 15_000, log);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
void web.exited.then((code) => {
  if (!stopping) {
    log.error(`web process exited unexpectedly (code ${code})`);
    process.exit(1);
  }
});
announceAdmin(prepared.admin, env.PORT, await waitForHealth(env.PORT, () => stopping));
