// Delivers result callbacks (lib/engine/callbacks.ts): when told a run with a callback ended
// (NOTIFY baton_callbacks), and every few seconds for retries that come due; and alerts.
import type pg from "pg";
import type { Logger } from "#lib/log.ts";
import { deliverDueCallbacks } from "#lib/engine/callbacks.ts";
import { deliverDueAlerts } from "#lib/alerts/deliver.ts";
import { drainLoop } from "./drain-loop.ts";

export const startCallbacks = (pool: pg.Pool, log: Logger, intervalMs = 2_000) => drainLoop(log, "deliver callbacks", () => deliverDueCallbacks(pool), intervalMs);

/** Alert notifications (lib/alerts/deliver.ts): when queued (NOTIFY baton_alerts), and every second for retries. */
export const startAlertDeliveries = (pool: pg.Pool, log: Logger, intervalMs = 1_000) => drainLoop(log, "deliver alerts", () => deliverDueAlerts(pool), intervalMs);
