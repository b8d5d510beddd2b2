// Delivers events to their triggers and waiting steps, and checks new waits against events
// already received (lib/events/dispatch.ts): when told (NOTIFY baton_events), and every second
// for retries; drops the records of ended waits every minute.
import type { Logger } from "#lib/log.ts";
import type { EngineDeps } from "#lib/engine/deps.ts";
import { checkNewWaits, dispatchDueEvents, pruneEndedWaits } from "#lib/events/dispatch.ts";
import { drainLoop } from "./drain-loop.ts";

export function startEvents(deps: EngineDeps, log: Logger, intervalMs = 1_000) {
  let lastPrune = Date.now();
  return drainLoop(
    log,
    "deliver events",
    async () => {
      if (Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now();
        await pruneEndedWaits(deps.pool);
      }
      return (await dispatchDueEvents(deps)) + (await checkNewWaits(deps));
    },
    intervalMs,
  );
}
