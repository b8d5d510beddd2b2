// A workflow's limit of active runs (its start step's `maxActiveRuns`). A run started while that
// many of its workflow's runs are active (not finished, not held themselves) is held: queued,
// `held_at` set, nothing handed to its first steps, a run.held event saying why. When an active
// run ends, a trigger (migration …_run_and_dependency_limits) wakes the workers (NOTIFY
// baton_run_slots), which admit held runs in arrival order as far as each one's limit allows;
// they also look every few seconds, for a notice that was lost. Starts and admissions of one
// workflow take the same advisory lock, so two of them never both take the last slot.
import { advance } from "./advance.ts";
import type { EngineDeps } from "./deps.ts";
import { insertEvents } from "./events.ts";
import { lockRun, type LockedRun } from "./run-lock.ts";
import { transaction, type Sql } from "./tx.ts";
import { log } from "../log.ts";
import { activeRunStatuses, compensatingRunStatuses } from "./states.ts";
import { loadVersion, type CompiledVersion } from "./versions.ts";

const ACTOR = "system:run-limits";
/** The runs that use a slot (or wait for one): every one not finished. */
const UNFINISHED = [...activeRunStatuses, ...compensatingRunStatuses];

const lockWorkflow = (tx: Sql, workflowId: string) => tx.query(`select pg_advisory_xact_lock(hashtextextended('run-slots:' || $1, 0))`, [workflowId]);

/** Runs of the workflow using a slot, and runs held (waiting for one), but `runId`. */
async function occupancy(tx: Sql, workflowId: string, runId: string) {
  const { rows } = await tx.query(
    `select count(*) filter (where held_at is null)::int as active, count(*) filter (where held_at is not null)::int as held
       from runs where workflow_id = $1 and id <> $2 and status = any($3::run_status[])`,
    [workflowId, runId, UNFINISHED],
  );
  return rows[0] as { active: number; held: number };
}

/** In the transaction creating `run`: holds it when its workflow is at its limit, or others wait
 * already (they go first). Returns whether it was held. */
export async function holdIfFull(tx: Sql, run: LockedRun, version: CompiledVersion, actor: string): Promise<boolean> {
  const limit = version.maxActiveRuns;
  if (!limit) return false;
  await lockWorkflow(tx, run.workflowId);
  // A new run goes after every run held before it.
  const { active, held: ahead } = await occupancy(tx, run.workflowId, run.id);
  if (active < limit && ahead === 0) return false;
  await tx.query(`update runs set held_at = clock_timestamp() where id = $1`, [run.id]);
  await insertEvents(tx, [{ runId: run.id, type: "run.held", actor, data: { limit, active, ahead } }]);
  return true;
}

/** Admits held runs wherever a slot is free; returns how many. */
export async function admitHeldRuns(deps: EngineDeps): Promise<number> {
  const { rows } = await deps.pool.query(`select distinct workflow_id from runs where held_at is not null and status = 'queued'`);
  let admitted = 0;
  for (const { workflow_id } of rows) {
    // One workflow that cannot admit (a broken version) does not keep the others waiting.
    admitted += await transaction(deps.pool, (tx) => admitForWorkflow(tx, deps, workflow_id)).catch((error) => {
      log.warn({ err: error, workflowId: workflow_id }, "could not admit held runs of this workflow");
      return 0;
    });
  }
  return admitted;
}

async function admitForWorkflow(tx: Sql, deps: EngineDeps, workflowId: string): Promise<number> {
  await lockWorkflow(tx, workflowId);
  const { rows: held } = await tx.query(
    `select id, version_id, held_at from runs where workflow_id = $1 and held_at is not null and status = 'queued' order by held_at, id limit 100`,
    [workflowId],
  );
  let admitted = 0;
  for (const candidate of held) {
    const version = await loadVersion(tx, candidate.version_id);
    const { active } = await occupancy(tx, workflowId, candidate.id);
    // Arrival order: the first that cannot go stops the line (a later one with a higher limit waits too).
    if (version.maxActiveRuns && active >= version.maxActiveRuns) break;
    const run = await lockRun(tx, candidate.id);
    if (!run || run.status !== "queued") continue;
    await tx.query(`update runs set held_at = null where id = $1`, [run.id]);
    await insertEvents(tx, [{ runId: run.id, type: "run.admitted", actor: ACTOR, data: { waitedMs: Date.now() - new Date(candidate.held_at).getTime() } }]);
    await advance(tx, deps, run, version, ACTOR);
    admitted++;
  }
  return admitted;
}
