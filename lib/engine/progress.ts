// Progress a step reports while it runs (a Code step's `progress()`), and a sub-workflow step's
// progress from its child run. Progress is not state: it is kept on the step (`progress`) and
// streamed as step.progress, fenced on the attempt (or the wait) still being open, and readers
// never move it backwards. It takes no run lock.
import type pg from "pg";
import type { StepProgress } from "./event-catalog.ts";
import type { Sql } from "./tx.ts";
import type { LockedRun } from "./run-lock.ts";
import type { CompiledVersion } from "./versions.ts";
import { doneStepStatuses } from "./states.ts";

/** How often a running step's progress is written at most; the last value is always written. */
export const PROGRESS_INTERVAL_MS = 250;

export async function recordProgress(sql: Sql, step: { stepRunId: string; attempt: number }, progress: StepProgress, actor: string): Promise<void> {
  await sql.query({
    name: "record-progress",
    text: `with step as (
             update step_runs set progress = $3::jsonb where id = $1 and attempt = $2 and status = 'running' returning run_id, node_id
           )
           insert into run_events (run_id, step_run_id, node_id, type, actor, data) select run_id, $1, node_id, 'step.progress', $4, $3::jsonb from step`,
    values: [step.stepRunId, step.attempt, JSON.stringify(progress), actor],
  });
}

/** A running attempt's reporter. `report` writes at once when no write is under way and the last
 * was PROGRESS_INTERVAL_MS ago or more (its promise settles once written, so a step that awaits
 * it lets the write happen); otherwise the value waits for the next turn and its promise settles
 * at once. `flush` writes what is left before the outcome. */
export function progressReporter(pool: pg.Pool, step: { stepRunId: string; attempt: number }, actor: string, onError: (error: unknown) => void) {
  let pending: StepProgress | undefined;
  let writing: Promise<void> | undefined;
  let lastWrite = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending || writing) return writing ?? Promise.resolve();
    const next = pending;
    pending = undefined;
    lastWrite = Date.now();
    writing = recordProgress(pool, step, next, actor)
      .catch(onError)
      .finally(() => {
        writing = undefined;
        if (pending) timer ??= setTimeout(write, Math.max(0, lastWrite + PROGRESS_INTERVAL_MS - Date.now()));
      });
    return writing;
  };
  return {
    report(progress: StepProgress): Promise<void> {
      pending = progress;
      if (!writing && Date.now() - lastWrite >= PROGRESS_INTERVAL_MS) return write();
      timer ??= setTimeout(write, Math.max(0, lastWrite + PROGRESS_INTERVAL_MS - Date.now()));
      return Promise.resolve();
    },
    async flush() {
      await writing;
      if (pending) await write();
    },
  };
}

/** Child runs whose steps moved on: their parent sub-workflow steps show how far they are
 * (steps decided of the steps they can take). Not for a for-each's items, which count items. */
export async function reportChildProgress(sql: Sql, children: { run: LockedRun; version: CompiledVersion }[], actor: string): Promise<void> {
  const open = children.filter((c) => c.run.parentStepRunId);
  if (open.length === 0) return;
  await sql.query({
    name: "child-progress",
    // The parent step is locked after the child run, against the engine's order (run, then its
    // steps): skip it when someone holds it (a cancel of the parent), rather than deadlock.
    text: `with child as (
             select * from unnest($1::uuid[], $2::uuid[], $3::int[]) as c(run_id, parent_step_run_id, total)
           ), parent as (
             select p.id, c.run_id, c.total from step_runs p join child c on c.parent_step_run_id = p.id
              where p.status = 'waiting' and p.wait_kind = 'child_run' and p.output->>'childRunId' = c.run_id::text
                for update of p skip locked
           ), counted as (
             select k.id, k.total,
                    (select count(*) from step_runs s where s.run_id = k.run_id and s.iteration = 0 and s.status = any($5::step_status[]))::int as done
               from parent k
           ), step as (
             update step_runs p set progress = jsonb_build_object('percent', least(100, (100 * k.done) / greatest(k.total, 1)), 'done', k.done, 'total', k.total, 'unit', 'steps')
               from counted k
              where p.id = k.id and (p.progress is null or (p.progress->>'done')::int < k.done)
             returning p.run_id, p.id, p.node_id, p.progress
           )
           insert into run_events (run_id, step_run_id, node_id, type, actor, data) select run_id, id, node_id, 'step.progress', $4, progress from step`,
    values: [open.map((c) => c.run.id), open.map((c) => c.run.parentStepRunId), open.map((c) => c.version.stepsTotal), actor, doneStepStatuses],
  });
}
