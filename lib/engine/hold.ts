// Holding a step back for capacity: its dependency's circuit breaker is open, its rate limit has
// no token left, or its concurrency limit has no slot free. The attempt does
// not count (it never reached the dependency): the step goes back to `queued` with the reason,
// holds no worker, and its next attempt is due when the dependency may be tried again.
import type { EngineDeps } from "./deps.ts";
import { finishAttempt, type Outcome } from "./attempts.ts";
import { insertEvents } from "./events.ts";
import { enqueue } from "./jobs.ts";
import { lockRun } from "./run-lock.ts";
import { stepFrom } from "./states.ts";
import { transaction } from "./tx.ts";
import type { AttemptRef } from "./fail.ts";

export interface Hold {
  /** The dependency that holds it back (none for a step's own concurrency limit). */
  dependency?: string;
  until: Date;
  /** In words, shown on the node: "circuit api.example.com open until 12:04:10". */
  reason: string;
  /** A rate-limit slot is kept for it at `until` (its next attempt takes it). */
  reserved?: boolean;
}

export function holdStep(deps: EngineDeps, step: AttemptRef, hold: Hold, actor: string): Promise<Outcome> {
  return transaction(deps.pool, async (tx) => {
    const run = await lockRun(tx, step.runId);
    const { rows } = await tx.query(
      `update step_runs set status = 'queued', attempt = attempt + 1, max_attempts = max_attempts + 1, reason = $4, queued_at = now(), heartbeat_at = null,
              next_attempt_at = $5, updated_at = now()
        where id = $1 and attempt = $2 and status = any($3::step_status[]) returning node_id`,
      [step.stepRunId, step.attempt, stepFrom("queued", ["running"]), `waiting: ${hold.reason}`, hold.until],
    );
    if (!rows[0] || !run) return "stale";
    await finishAttempt(tx, step.stepRunId, step.attempt, "held", { message: hold.reason });
    await insertEvents(tx, [
      {
        runId: run.id,
        stepRunId: step.stepRunId,
        nodeId: rows[0].node_id,
        type: "step.held",
        actor,
        data: { attempt: step.attempt, nextAttempt: step.attempt + 1, ...(hold.dependency ? { dependency: hold.dependency } : {}), reason: hold.reason, until: hold.until.toISOString() },
      },
    ]);
    if (hold.dependency) await tx.query(
      `insert into dependency_waits (step_run_id, key, run_id, node_id, until, reserved) values ($1, $2, $3, $4, $5, $6)
       -- A rate-limit turn kept for it stays kept while something else (a concurrency slot) holds it.
       on conflict (step_run_id) do update set key = excluded.key, until = excluded.until, reserved = dependency_waits.reserved or excluded.reserved`,
      [step.stepRunId, hold.dependency, run.id, rows[0].node_id, hold.until, hold.reserved === true],
    );
    await enqueue(deps, tx, [{ runId: run.id, stepRunId: step.stepRunId, attempt: step.attempt + 1, startAfter: hold.until }]);
    return "applied";
  });
}
