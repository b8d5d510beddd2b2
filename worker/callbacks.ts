// Delivers result callbacks (lib/engine/callbacks.ts): when told a run with a callback ended
// (NOTIFY baton_callbacks), and every few seconds for retries that come due.
import type pg from "pg";
import type { Logger } from "#lib/log.ts";
import { deliverDueCallbacks } from "#lib/engine/callbacks.ts";
import { drainLoop } from "./drain-loop.ts";

export const startCallbacks = (pool: pg.Pool, log: Logger, intervalMs = 2_000) => drainLoop(log, "deliver callbacks", () => deliverDueCallbacks(pool), intervalMs);
