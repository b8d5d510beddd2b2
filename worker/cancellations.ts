// One LISTEN connection for `baton_cancel`: the engine NOTIFYs the ids of steps it cancelled,
// and we abort the ones running here. Reconnects by itself; missed notices are caught by the
// lease renewal, which also notices that a step is no longer running.
import pg from "pg";
import { log } from "#lib/log.ts";
import type { InFlight } from "./inflight.ts";

export function listenForCancellations(databaseUrl: string, inflight: InFlight) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = 500;

  const schedule = () => {
    if (stopped) return;
    setTimeout(() => void connect(), retryMs).unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  };
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrl, application_name: "baton-worker-cancel" });
    c.on("error", (error) => {
      log.warn({ err: error }, "cancellation listener lost its connection");
      c.end().catch(() => undefined);
    });
    c.on("end", () => {
      if (client !== c) return;
      client = undefined;
      schedule();
    });
    c.on("notification", (message) => {
      try {
        inflight.abort(JSON.parse(message.payload ?? "[]") as string[], "cancelled");
      } catch (error) {
        log.warn({ err: error, payload: message.payload }, "unreadable cancellation notice");
      }
    });
    try {
      await c.connect();
      await c.query("listen baton_cancel");
      client = c;
      retryMs = 500;
    } catch (error) {
      log.warn({ err: error }, "cancellation listener could not connect; retrying");
      await c.end().catch(() => undefined);
      schedule();
    }
  };
  void connect();

  return {
    async stop() {
      stopped = true;
      await client?.end().catch(() => undefined);
    },
  };
}
