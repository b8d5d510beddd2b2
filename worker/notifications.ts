// One LISTEN connection for the engine's notices to workers:
// - baton_jobs: a step job can run now (sent in the transaction that queued it);
// - baton_step_tests: a step test was queued from the editor;
// - baton_cancel: these steps were cancelled; abort them if they run here;
// - baton_callbacks: a run with a callback URL ended; deliver it;
// - baton_events: an event was published, or a step began waiting for one;
// - baton_child_runs: a sub-workflow's run ended; tell the step that started it;
// - baton_run_slots: a run ended whose workflow holds runs behind its limit; admit the next;
// - baton_config: a rule set or flag changed; drop it from the cache (lib/config/cache.ts);
// - baton_alerts: alert notifications were queued; send them.
// Reconnects by itself; after a reconnect it reports the gap (`onReconnect`), since notices sent
// meanwhile are lost: the dispatcher then fetches, and lease renewal catches missed cancels.
import pg from "pg";
import { log } from "#lib/log.ts";
import { CONFIG_CHANNEL } from "#lib/config/cache.ts";

export interface NoticeHandlers {
  /** `queue`: the step queue that got jobs, or undefined for any. */
  jobs(queue: string | undefined): void;
  stepTests(): void;
  cancel(stepRunIds: string[]): void;
  callbacks(): void;
  alerts(): void;
  events(): void;
  childRuns(): void;
  runSlots(): void;
  /** A cached rule set or flag changed (`key`, see lib/config/cache.ts). */
  config(key: string): void;
  /** Whether notices are being received now (none are while reconnecting). */
  listening(live: boolean): void;
  onReconnect(): void;
}

export function listenForNotices(databaseUrl: string, handlers: NoticeHandlers) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = 500;
  let connectedBefore = false;

  const schedule = () => {
    if (stopped) return;
    setTimeout(() => void connect(), retryMs).unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  };
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrl, application_name: "baton-worker-listen" });
    c.on("error", (error) => {
      log.warn(`worker notice listener lost its connection (${error.message})`);
      c.end().catch(() => undefined);
    });
    c.on("end", () => {
      if (client !== c) return;
      client = undefined;
      handlers.listening(false);
      schedule();
    });
    c.on("notification", (message) => {
      if (message.channel === "baton_jobs") return handlers.jobs(message.payload || undefined);
      if (message.channel === "baton_step_tests") return handlers.stepTests();
      if (message.channel === "baton_callbacks") return handlers.callbacks();
      if (message.channel === "baton_alerts") return handlers.alerts();
      if (message.channel === "baton_events") return handlers.events();
      if (message.channel === "baton_child_runs") return handlers.childRuns();
      if (message.channel === "baton_run_slots") return handlers.runSlots();
      if (message.channel === CONFIG_CHANNEL) return handlers.config(message.payload ?? "");
      try {
        handlers.cancel(JSON.parse(message.payload ?? "[]") as string[]);
      } catch (error) {
        log.warn({ err: error, payload: message.payload }, "unreadable cancellation notice");
      }
    });
    try {
      await c.connect();
      await c.query(`listen baton_jobs; listen baton_step_tests; listen baton_cancel; listen baton_callbacks; listen baton_alerts; listen baton_events; listen baton_child_runs; listen baton_run_slots; listen ${CONFIG_CHANNEL}`);
      client = c;
      retryMs = 500;
      handlers.listening(true);
      if (connectedBefore) handlers.onReconnect();
      connectedBefore = true;
    } catch (error) {
      log.warn(`worker notice listener could not connect (${(error as Error).message}); retrying`);
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
