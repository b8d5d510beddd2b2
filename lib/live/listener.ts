// One LISTEN connection per process for `baton_events`, fanned out to every subscriber in the
// process (SSE streams, waiting API calls). A notification only says "something new"; the
// listener then reads the new rows in (xid, id) order, but only those written by transactions
// older than every transaction still running. A transaction that took a lower id but commits
// late is therefore never skipped: its rows wait until it ends, then come next. Subscribers
// see every event once, in one order, and a reader resuming from a position misses nothing.
// Losing the connection (a database restart) costs nothing either: the listener reconnects,
// backing off, for as long as it takes, then reads on from its position.
import pg from "pg";
import { databaseUrl, pool } from "../db.ts";
import { log } from "../log.ts";
import { laterOf, parsePosition, type Position } from "./position.ts";
import { inScope, type Scope, scopeSql } from "./scope.ts";
import type { StreamEvent as LiveEvent } from "./event.ts";

export type { StreamEvent as LiveEvent } from "./event.ts";

type Subscriber = (event: LiveEvent) => void;

const BATCH = 1000;
/** While rows of still-running transactions hold the read back, look again this soon (then backing off). */
const RECHECK_MS = [2, 5, 10, 20, 50, 100, 200];
/** Held back this long, the listener says why in the log (a long transaction somewhere). */
const HELD_WARNING_MS = 10_000;
/** Reconnect delays after losing the LISTEN connection: doubling up to the last, then steady until it is back. */
const RECONNECT_MS = [250, 500, 1000, 2000, 4000, 5000];
/** A database restart takes many attempts: say so in the log at most this often. */
const RECONNECT_WARNING_MS = 5_000;

const COLUMNS = `id::text, xid::text, run_id, step_run_id, node_id, type, actor, data, at`;

function toEvent(r: { id: string; xid: string; run_id: string; step_run_id: string | null; node_id: string | null; type: string; actor: string; data: Record<string, unknown>; at: Date }): LiveEvent {
  return {
    position: `${r.xid}-${r.id}`,
    id: r.id,
    runId: r.run_id,
    stepRunId: r.step_run_id,
    nodeId: r.node_id,
    type: r.type,
    actor: r.actor,
    data: r.data,
    at: r.at.toISOString(),
  };
}

/** Events in `scope` after `after` and up to `upTo` (both settled positions), in order. */
export async function* readEvents(scope: Scope, after: Position, upTo: Position): AsyncGenerator<LiveEvent[]> {
  let from = after;
  for (;;) {
    const where = scopeSql(scope, 5);
    const { rows } = await pool().query(
      `select ${COLUMNS} from run_events
        where (xid, id) > ($1::xid8, $2::bigint) and (xid, id) <= ($3::xid8, $4::bigint) ${where.sql}
        order by run_events.xid, run_events.id limit ${BATCH}`,
      [from.xid.toString(), from.id.toString(), upTo.xid.toString(), upTo.id.toString(), ...where.values],
    );
    if (rows.length === 0) return;
    const events = rows.map(toEvent);
    yield events;
    if (rows.length < BATCH) return;
    from = parsePosition(events.at(-1)!.position)!;
  }
}

class Listener {
  #subscribers = new Set<{ scope: Scope; fn: Subscriber }>();
  /** Every event at or before this position has been handed to the subscribers of its time. */
  #position: Position = { xid: 0n, id: 0n };
  #ready?: Promise<void>;
  #client?: pg.Client;
  #reading = false;
  #again = false;
  #recheck?: NodeJS.Timeout;
  #recheckStep = 0;
  #heldSince?: number;
  #warned = false;
  #reconnect?: NodeJS.Timeout;
  #attempts = 0;
  #lostSince?: number;
  #reconnectWarnedAt = 0;

  /**
   * Registers `fn` for the events in `scope`. It receives every event after the returned
   * position, exactly once; what came before is in the table (see readEvents).
   */
  async subscribe(scope: Scope, fn: Subscriber): Promise<{ from: Position; close(): void }> {
    await this.#start();
    // No await between these lines: no event can be delivered in between.
    const entry = { scope, fn };
    this.#subscribers.add(entry);
    const from = this.#position;
    // Events may already wait past the position with no NOTIFY to come: on a first connect the
    // position is the horizon, behind rows of transactions then still open (in any database of
    // the cluster), and a run blocked on a slow step writes nothing more. Read them now.
    void this.#read();
    return { from, close: () => this.#subscribers.delete(entry) };
  }

  /** Open subscriptions in this process (SSE clients and waiting requests). */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Every event up to here has been handed to the subscribers. */
  get position(): Position {
    return this.#position;
  }

  /** Whether the LISTEN connection is up (false before the first subscriber and while reconnecting). */
  get connected(): boolean {
    return this.#client !== undefined;
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
    let ended = false;
    client.on("notification", () => void this.#read());
    client.on("error", (error) => {
      if (this.#client === client) log.warn({ err: error }, "live event listener lost its connection; reconnecting");
      client.end().catch(() => undefined);
    });
    client.on("end", () => {
      ended = true;
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#ready = undefined;
      this.#lostSince ??= Date.now();
      this.#scheduleReconnect();
    });
    const resuming = this.#position.xid !== 0n;
    try {
      await client.connect();
      await client.query("listen baton_events");
      if (!resuming) this.#position = await horizon();
      // Lost between LISTEN and here, nobody would notice: fail the attempt instead.
      if (ended) throw new Error("the connection ended while it started to listen");
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    // Nothing was heard while away: read on from the position kept, so the missed events come
    // next, in order, each once.
    if (resuming) void this.#read();
  }

  /** Tries again after a delay that doubles with every failure, until a connection holds. */
  #scheduleReconnect() {
    if (this.#reconnect) return;
    const ms = RECONNECT_MS[Math.min(this.#attempts, RECONNECT_MS.length - 1)];
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      this.#attempts++;
      this.#start().then(
        () => {
          log.info({ attempts: this.#attempts, downMs: Date.now() - this.#lostSince! }, "live event listener reconnected");
          this.#attempts = 0;
          this.#lostSince = undefined;
          this.#reconnectWarnedAt = 0;
        },
        (error) => {
          if (Date.now() - this.#reconnectWarnedAt >= RECONNECT_WARNING_MS) {
            this.#reconnectWarnedAt = Date.now();
            log.warn(
              { err: error, attempts: this.#attempts, downMs: Date.now() - this.#lostSince! },
              "live event listener could not reconnect; retrying (open streams get the missed events once it is back)",
            );
          }
          this.#scheduleReconnect();
        },
      );
    }, ms);
    this.#reconnect.unref();
  }

  async #read() {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    clearTimeout(this.#recheck);
    let heldBack = false;
    try {
      do {
        this.#again = false;
        heldBack = await this.#readAvailable();
      } while (this.#again);
    } catch (error) {
      log.warn({ err: error }, "could not read new run events");
      heldBack = true;
    } finally {
      this.#reading = false;
    }
    if (heldBack) {
      this.#heldSince ??= Date.now();
      if (!this.#warned && Date.now() - this.#heldSince > HELD_WARNING_MS) {
        this.#warned = true;
        log.warn(
          "live events are held back by a transaction running for more than 10 s (pg_stat_activity shows it: the oldest backend_xid); they follow once it ends",
        );
      }
      // Rows of a transaction still running (or a failed read): look again shortly, since the
      // transaction holding them back may end without writing an event of its own.
      const ms = RECHECK_MS[Math.min(this.#recheckStep++, RECHECK_MS.length - 1)];
      this.#recheck = setTimeout(() => void this.#read(), ms);
      this.#recheck.unref();
    } else {
      this.#recheckStep = 0;
      this.#heldSince = undefined;
      this.#warned = false;
    }
  }

  /** Delivers what can be delivered; true when newer rows had to wait for running transactions. */
  async #readAvailable(): Promise<boolean> {
    if (this.#subscribers.size === 0) {
      // Nobody to tell: skip ahead instead of reading rows nobody wants (unless someone
      // subscribed meanwhile, from the old position).
      const next = await horizon();
      if (this.#subscribers.size === 0) {
        this.#position = laterOf(this.#position, next);
        return false;
      }
    }
    for (;;) {
      const { rows } = await pool().query(
        `select ${COLUMNS}, xid < pg_snapshot_xmin(pg_current_snapshot()) as settled from run_events
          where (xid, id) > ($1::xid8, $2::bigint) order by run_events.xid, run_events.id limit ${BATCH}`,
        [this.#position.xid.toString(), this.#position.id.toString()],
      );
      for (const r of rows) {
        if (!r.settled) return true;
        const event = toEvent(r);
        this.#position = { xid: BigInt(r.xid), id: BigInt(r.id) };
        for (const s of this.#subscribers) {
          if (!inScope(s.scope, event)) continue;
          try {
            s.fn(event);
          } catch (error) {
            // One subscriber's failure must not cost the others this event.
            log.warn({ err: error }, "a live event subscriber failed; dropping it");
            this.#subscribers.delete(s);
          }
        }
      }
      if (rows.length < BATCH) return false;
    }
  }
}

/** The position before every event of a transaction still running: all below it is final. */
async function horizon(): Promise<Position> {
  const { rows } = await pool().query(`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
  return { xid: BigInt(rows[0].xmin), id: 0n };
}

const holder = globalThis as unknown as { __baton_listener?: Listener };
export const listener = (): Listener => (holder.__baton_listener ??= new Listener());
