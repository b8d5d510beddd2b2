// The launcher's record of crashes and restarts survives the database being down, and loses no
// event recorded while an earlier batch is being written.
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { processEventRecorder } from "../../scripts/lib/process-events.ts";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { startProxy, type Proxy } from "../helpers/proxy.ts";
import { waitFor } from "../helpers/processes.ts";

let db: TestDatabase;
let proxy: Proxy;
let throughProxy: string;
beforeAll(async () => {
  db = await freshDatabase();
  const url = new URL(db.url);
  proxy = await startProxy(`http://${url.host}`);
  url.host = new URL(proxy.url).host;
  throughProxy = url.toString();
});
afterAll(async () => {
  await proxy?.close();
  await db?.close();
});

const rows = async () => (await db.pool.query("select process, event, signal from process_events order by id")).rows;

it("keeps what happened while the database was down and writes it, in order, once it is back", async () => {
  const recorder = processEventRecorder(throughProxy, pino({ level: "silent" }));
  proxy.cut();
  recorder.record({ process: "postgres", event: "crashed", exitCode: null, signal: "SIGKILL" });
  await new Promise((r) => setTimeout(r, 300));
  proxy.restore();
  // The restart is recorded while the retry of the crash may be in flight: both must land.
  recorder.record({ process: "postgres", event: "restarted" });
  recorder.record({ process: "worker", event: "crashed", exitCode: 1, signal: null });
  await waitFor("three events", async () => (await rows()).length === 3, 15_000, 100);
  expect(await rows()).toEqual([
    { process: "postgres", event: "crashed", signal: "SIGKILL" },
    { process: "postgres", event: "restarted", signal: null },
    { process: "worker", event: "crashed", signal: null },
  ]);
  await recorder.close();
  expect(await rows()).toHaveLength(3);
});
