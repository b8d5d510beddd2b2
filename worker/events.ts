// Delivers events to their triggers and waiting steps, and checks new waits against events
// already received (lib/events/dispatch.ts): when told (NOTIFY baton_events), and every second
// for retries; drops the records of ended waits every minute.
import type { Logger } from "#lib/log.ts";
import type { EngineDeps } from "#lib/engine/deps.ts";
import { checkNewWaits, dispatchDueEvents, pruneEndedWaits } from "#lib/events/dispatch.ts";

export function startEvents(deps: EngineDeps, log: Logger, intervalMs = 1_000) {
  let busy = false;
  let again = false;
  let lastPrune = 0;
  const tick = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        while ((await dispatchDueEvents(deps)) + (await checkNewWaits(deps)) > 0);
      } while (again);
      if (Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now();
        await pruneEndedWaits(deps.pool);
      }
    } catch (error) {
      log.warn({ err: error }, "could not deliver events; trying again shortly");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    wake: () => void tick(),
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
