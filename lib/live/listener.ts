// One LISTEN connection per process for `baton_events`, fanned out to every subscriber in the
// process (SSE streams, waiting API calls). A notification carries only the newest event id;
// the listener reads the new rows once, in order, and hands each to the subscribers. After a
// lost connection it reads everything since the last id it delivered, so nothing is skipped.
import pg from "pg";
import { databaseUrl, pool } from "../db.ts";
import { log } from "../log.ts";

export interface LiveEvent {
  id: string;
  runId: string;
  stepRunId: string | null;
  nodeId: string | null;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

type Subscriber = (event: LiveEvent) => void;

class Listener {
  #subscribers = new Set<{ runId?: string; fn: Subscriber }>();
  #lastId = 0n;
  #ready?: Promise<void>;
  #client?: pg.Client;
  #reading = false;
  #again = false;

  subscribe(fn: Subscriber, runId?: string): { ready: Promise<void>; close(): void } {
    const entry = { runId, fn };
    this.#subscribers.add(entry);
    return { ready: this.#start(), close: () => this.#subscribers.delete(entry) };
  }

  /** The id of the last event delivered: a client resuming from it misses nothing. */
  get lastId(): bigint {
    return this.#lastId;
  }

  #start(): Promise<void> {
    this.#ready ??= this.#connect().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #connect() {
    const client = new pg.Client({ connectionString: databaseUrl(), application_name: "baton-web-listen" });
    client.on("notification", () => void this.#read());
    client.on("error", (error) => {
      log.warn({ err: error }, "live event listener lost its connection; reconnecting");
      client.end().catch(() => undefined);
    });
    client.on("end", () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#ready = undefined;
      setTimeout(() => void this.#start().then(() => this.#read()).catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query("listen baton_events");
    if (this.#lastId === 0n) {
      const { rows } = await pool().query(`select coalesce(max(id), 0)::text as id from run_events`);
      this.#lastId = BigInt(rows[0].id);
    }
    this.#client = client;
  }

  async #read() {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    try {
      do {
        this.#again = false;
        for (;;) {
          const { rows } = await pool().query(
            `select id::text, run_id, step_run_id, node_id, type, actor, data, at from run_events where id > $1 order by id limit 1000`,
            [this.#lastId.toString()],
          );
          for (const r of rows) {
            this.#lastId = BigInt(r.id);
            const event: LiveEvent = { id: r.id, runId: r.run_id, stepRunId: r.step_run_id, nodeId: r.node_id, type: r.type, actor: r.actor, data: r.data, at: r.at.toISOString() };
            for (const s of this.#subscribers) {
              if (!s.runId || s.runId === event.runId) s.fn(event);
            }
          }
          if (rows.length < 1000) break;
        }
      } while (this.#again);
    } catch (error) {
      log.warn({ err: error }, "could not read new run events");
    } finally {
      this.#reading = false;
    }
  }
}

const holder = globalThis as unknown as { __baton_listener?: Listener };
export const listener = (): Listener => (holder.__baton_listener ??= new Listener());
