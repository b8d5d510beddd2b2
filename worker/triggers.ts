// Fires cron triggers (lib/triggers/scheduler.ts): every second, and at the next fire time when
// that comes sooner, so a schedule fires within milliseconds of its time rather than a poll later.
// Every worker runs it; row locks decide which one records and starts each fire.
import type { Logger } from "#lib/log.ts";
import type { EngineDeps } from "#lib/engine/deps.ts";
import { recordDueFires, startPendingFires } from "#lib/triggers/scheduler.ts";

export function startTriggers(deps: EngineDeps, log: Logger, intervalMs = 1_000) {
  let busy = false;
  let stopped = false;
  let soon: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const recorded = await recordDueFires(deps.pool);
      const started = await startPendingFires(deps);
      if (recorded || started) log.info({ recorded, started }, "cron triggers fired");
      const { rows } = await deps.pool.query(`select min(next_fire_at) as at from triggers where kind = 'cron' and not paused and deleted_at is null`);
      const wait = rows[0].at ? new Date(rows[0].at).getTime() - Date.now() : Infinity;
      clearTimeout(soon);
      if (wait < intervalMs) soon = setTimeout(() => void tick(), Math.max(0, wait) + 5);
    } catch (error) {
      log.warn({ err: error }, "could not fire cron triggers; trying again shortly");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(soon);
      while (busy) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
