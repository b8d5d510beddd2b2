// Delivers result callbacks (lib/engine/callbacks.ts): when told a run with a callback ended
// (NOTIFY baton_callbacks), and every few seconds for retries that come due.
import type pg from "pg";
import type { Logger } from "#lib/log.ts";
import { deliverDueCallbacks } from "#lib/engine/callbacks.ts";

export function startCallbacks(pool: pg.Pool, log: Logger, intervalMs = 2_000) {
  let busy = false;
  let again = false;
  const tick = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        while ((await deliverDueCallbacks(pool)) > 0);
      } while (again);
    } catch (error) {
      log.warn({ err: error }, "could not deliver callbacks; trying again shortly");
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
