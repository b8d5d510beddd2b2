// The launcher's record of crashes and restarts, in the `process_events` table (health and the
// dashboard read it). Written in the background and kept in memory while the database itself
// is down (its own crash is recorded once it is back).
import pg from "pg";
import type { Logger } from "#lib/log.ts";
import type { ProcessEvent } from "./supervisor.ts";

const RETRY_MS = 2_000;

export function processEventRecorder(url: string, log: Logger) {
  const queue: (ProcessEvent & { at: Date })[] = [];
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** Writes what is queued; false if the database could not be reached. */
  async function write(): Promise<boolean> {
    const batch = queue.slice();
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query(
        `insert into process_events (process, event, exit_code, signal, detail, at)
         select * from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])`,
        [batch.map((e) => e.process), batch.map((e) => e.event), batch.map((e) => e.exitCode ?? null), batch.map((e) => e.signal ?? null), batch.map((e) => e.detail ?? null), batch.map((e) => e.at)],
      );
      queue.splice(0, batch.length);
      return true;
    } catch (error) {
      log.debug({ err: error }, "could not record process events yet; retrying");
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    flushing ??= write().then((written) => {
      flushing = undefined;
      if (!queue.length || closed) return;
      // Recorded while that batch was being written (a restart right after the crash it
      // follows): write them now. Not written: try again in a while.
      if (written) void flush();
      else (timer = setTimeout(() => void flush(), RETRY_MS)).unref();
    });
    return flushing;
  }

  return {
    record(event: ProcessEvent) {
      queue.push({ ...event, at: new Date() });
      void flush();
    },
    /** One last try to write what is queued. */
    async close() {
      closed = true;
      clearTimeout(timer);
      while (flushing) await flushing;
      if (queue.length) await write();
    },
  };
}
