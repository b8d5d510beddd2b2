// A background task that works until there is nothing left: run when woken (a NOTIFY) and every
// `intervalMs` (retries that came due, missed notices). One pass at a time; a wake during a pass
// runs another after it, so nothing waits for the next interval.
import type { Logger } from "#lib/log.ts";

export function drainLoop(log: Logger, what: string, work: () => Promise<number>, intervalMs: number) {
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
        while ((await work()) > 0);
      } while (again);
    } catch (error) {
      log.warn({ err: error }, `could not ${what}; trying again shortly`);
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
