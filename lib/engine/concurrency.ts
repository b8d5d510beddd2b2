// Concurrency limits: at most `limit` attempts running at once per scope (a step and the value of
// its key template, or a dependency), across all runs and workers. A step asks for a slot once its
// worker has it (it is `running`); without one it is held (queued, holding no worker) and keeps
// its place in line (`seq`). When a step lets its slot go, the next in line are sent at once;
// a held step also asks again after a while, in case that word was lost. Slots of steps that no
// longer run are not counted, so a crashed worker's slot frees itself when its step moves on.
import type { EngineDeps } from "./deps.ts";
import { enqueue } from "./jobs.ts";
import { transaction, type Sql } from "./tx.ts";

/** How long a held step waits before asking again, if no one tells it sooner. */
const RECHECK_MS = 5_000;

export type SlotAnswer = { ok: true } | { ok: false; ahead: number; until: Date };

const lockScope = (tx: Sql, scope: string) => tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [scope]);

/** Drops the rows of steps that are neither waiting for a slot (queued) nor using one (running). */
const prune = (tx: Sql, scope: string) =>
  tx.query(
    `delete from concurrency_slots c where c.scope = $1
        and not exists (select 1 from step_runs s where s.id = c.step_run_id and s.status in ('queued', 'running'))`,
    [scope],
  );

export function acquireSlot(deps: EngineDeps, scope: string, limit: number, stepRunId: string): Promise<SlotAnswer> {
  return transaction(deps.pool, async (tx) => {
    await lockScope(tx, scope);
    await prune(tx, scope);
    await tx.query(`insert into concurrency_slots (step_run_id, scope) values ($1, $2) on conflict (step_run_id, scope) do nothing`, [stepRunId, scope]);
    const { rows } = await tx.query(
      `select (select count(*) from concurrency_slots where scope = $1 and active and step_run_id <> $2)::int as active,
              (select count(*) from concurrency_slots w where w.scope = $1 and not w.active
                  and w.seq < (select seq from concurrency_slots where step_run_id = $2 and scope = $1))::int as ahead`,
      [scope, stepRunId],
    );
    const { active, ahead } = rows[0];
    if (active + ahead < limit) {
      await tx.query(`update concurrency_slots set active = true where step_run_id = $1 and scope = $2`, [stepRunId, scope]);
      return { ok: true };
    }
    return { ok: false, ahead: active + ahead - limit + 1, until: new Date(Date.now() + RECHECK_MS) };
  });
}

/** The step is done with its slot (whatever its outcome): the next in line go now. */
export function releaseSlot(deps: EngineDeps, scope: string, limit: number, stepRunId: string): Promise<void> {
  return transaction(deps.pool, async (tx) => {
    await lockScope(tx, scope);
    await tx.query(`delete from concurrency_slots where step_run_id = $1 and scope = $2`, [stepRunId, scope]);
    await prune(tx, scope);
    const { rows } = await tx.query(
      `select s.id, s.run_id, s.attempt from concurrency_slots c join step_runs s on s.id = c.step_run_id and s.status = 'queued'
        where c.scope = $1 and not c.active
        order by c.seq limit greatest(0, $2 - (select count(*) from concurrency_slots where scope = $1 and active))`,
      [scope, limit],
    );
    // Their delayed job stays; this one runs them now, and the later one finds them moved on.
    await enqueue(deps, tx, rows.map((r) => ({ runId: r.run_id, stepRunId: r.id, attempt: r.attempt, resent: new Date().toISOString() })));
  });
}
