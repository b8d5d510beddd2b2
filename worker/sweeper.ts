// Runs the engine's sweep (and the approvals' deadlines and reminders, and canaries' automatic rollbacks) every few seconds, in one worker at a time (advisory lock).
import type { Logger } from "#lib/log.ts";
import { sweep } from "#lib/engine/sweep.ts";
import { sweepApprovals } from "#lib/approvals/requests.ts";
import type { EngineDeps } from "#lib/engine/deps.ts";
import { checkout } from "#lib/engine/tx.ts";
import { checkAutomaticRollbacks } from "#lib/workflows/rollout.ts";
import { evaluateAlertRules } from "#lib/alerts/evaluate.ts";

const LOCK = "hashtext('baton:sweeper')";

export function startSweeper(deps: EngineDeps, log: Logger, intervalMs = 5_000) {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    const held = await checkout(deps.pool).catch(() => undefined);
    const client = held?.client;
    try {
      if (!client) return;
      const { rows } = await client.query(`select pg_try_advisory_lock(${LOCK}) as got`);
      if (!rows[0].got) return;
      try {
        const result = await sweep(deps);
        if (result.crashed || result.timedOut || result.resent) log.info(result, "sweeper repaired runs");
        const approvals = await sweepApprovals(deps);
        if (Object.values(approvals).some((n) => n > 0)) log.info(approvals, "sweeper handled approval deadlines and reminders");
        const alerts = await evaluateAlertRules(deps.pool);
        if (alerts.fired || alerts.resolved) log.info({ fired: alerts.fired, resolved: alerts.resolved }, "alerts fired or resolved");
        for (const f of alerts.failed) log.error(f, "an alert rule could not be evaluated");
        const rolledBack = await checkAutomaticRollbacks(deps.pool);
        if (rolledBack.length) log.warn({ workflows: rolledBack }, "canary rolled back automatically: it failed more than its stable version by the rollout's margin");
      } finally {
        await client.query(`select pg_advisory_unlock(${LOCK})`);
      }
    } catch (error) {
      log.warn({ err: error }, "sweep failed; trying again shortly");
    } finally {
      held?.release();
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
