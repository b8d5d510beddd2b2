// Worker process entry: `npm run start:worker` (or spawned by `npm start`). Runs until SIGTERM or
// SIGINT, then drains in-flight steps within WORKER_SHUTDOWN_GRACE_MS (see worker.ts).
import { log } from "#lib/log.ts";
import { startWorker } from "./worker.ts";

const worker = await startWorker().catch((error) => {
  log.fatal({ err: error }, `worker failed to start: ${error.message}`);
  process.exit(1);
});

let stopping = false;
async function shutdown(reason: string) {
  if (stopping) return;
  stopping = true;
  log.info({ reason }, "worker stopping");
  try {
    await worker.stop();
    log.info("worker stopped");
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, "worker did not stop cleanly");
    process.exit(1);
  }
}

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
// Started by the launcher with an IPC channel: if the launcher dies, so do we.
process.on("disconnect", () => void shutdown("launcher exited"));
process.on("unhandledRejection", (error) => {
  log.fatal({ err: error }, "unhandled rejection in worker");
  process.exit(1);
});
