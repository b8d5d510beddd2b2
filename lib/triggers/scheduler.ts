// Cron triggers fire in two steps, both safe with any number of workers:
//
// 1. `recordDueFires` takes the triggers whose next fire time has come (FOR UPDATE SKIP LOCKED),
//    writes one trigger_fires row per fire time since the last one (unique on trigger + time, so a
//    time is recorded once), counts as missed those older than the catch-up window, and moves the
//    trigger's next fire time on.
// 2. `startPendingFires` takes each trigger with pending or buffered fires (its row locked, so one
//    worker decides for it at a time) and applies the overlap policy to them, oldest first. A fire
//    starts its run with the idempotency key `cron:<trigger>:<time>`, so a worker that dies after
//    starting the run but before marking the fire leaves a fire that starts the same run again:
//    exactly one run per fire time.
import type pg from "pg";
import { ApiError } from "../api/errors.ts";
import { cancelRun } from "../engine/commands.ts";
import type { EngineDeps } from "../engine/deps.ts";
import { startRun } from "../engine/start-run.ts";
import { NonRetryableError } from "../engine/errors.ts";
import { activeRunStatuses } from "../engine/states.ts";
import { transaction } from "../engine/tx.ts";
import { expressionPool } from "../expressions/pool.ts";
import type { RunContext } from "../workflow/templates.ts";
import { fireTimes } from "./schedule.ts";
import { cronConfig, defaultInputs, triggerActor, type CronConfig, type OverlapPolicy } from "./schemas.ts";
import { nextFire } from "./triggers.ts";

/** Records the fires that have come due; returns how many fire times it recorded. */
export async function recordDueFires(pool: pg.Pool, now = new Date()): Promise<number> {
  return transaction(pool, async (tx) => {
    const { rows } = await tx.query(
      `select id, config, last_fire_at from triggers
        where kind = 'cron' and not paused and deleted_at is null and next_fire_at <= $1
        order by next_fire_at limit 50 for update skip locked`,
      [now],
    );
    let recorded = 0;
    for (const t of rows) {
      const config = cronConfig.parse(t.config);
      // Fires older than the catch-up window are only counted (a minutely schedule down for a
      // week has ten thousand; counting stops at 100,000); the rest are recorded to run.
      const oldest = new Date(now.getTime() - config.catchupWindowMs);
      const last: Date = t.last_fire_at;
      const missed = last < oldest ? fireTimes(config, last, { until: new Date(oldest.getTime() - 1), limit: 100_000 }) : [];
      const due = fireTimes(config, last < oldest ? new Date(oldest.getTime() - 1) : last, { until: now }).map((f) => f.at);
      if (due.length) {
        const inserted = await tx.query(
          `insert into trigger_fires (trigger_id, scheduled_at) select $1, unnest($2::timestamptz[]) on conflict (trigger_id, scheduled_at) do nothing`,
          [t.id, due],
        );
        recorded += inserted.rowCount ?? 0;
      }
      await tx.query(
        `update triggers set last_fire_at = $2, next_fire_at = $3, missed_fires = missed_fires + $4, last_missed_at = case when $4 > 0 then $2 else last_missed_at end where id = $1`,
        [t.id, now, nextFire(config, now)?.at ?? null, missed.length],
      );
    }
    return recorded;
  });
}

interface Fire {
  id: string;
  scheduled_at: Date;
  status: "pending" | "buffered";
  backfill: boolean;
}

/** Decides the pending and buffered fires of each trigger that has some; returns how many runs it started. */
export async function startPendingFires(deps: EngineDeps): Promise<number> {
  const { rows: waiting } = await deps.pool.query(
    `select distinct f.trigger_id from trigger_fires f join triggers t on t.id = f.trigger_id
      where f.status in ('pending', 'buffered') and not t.paused and t.deleted_at is null limit 100`,
  );
  let started = 0;
  for (const { trigger_id } of waiting) started += await decideFires(deps, trigger_id);
  return started;
}

async function decideFires(deps: EngineDeps, triggerId: string): Promise<number> {
  return transaction(deps.pool, async (tx) => {
    const { rows: locked } = await tx.query(`select id, workflow_id, name, config, input, pinned_version from triggers where id = $1 and not paused and deleted_at is null for update skip locked`, [
      triggerId,
    ]);
    const trigger = locked[0];
    if (!trigger) return 0;
    const config: CronConfig = cronConfig.parse(trigger.config);
    const { rows: fires } = await tx.query<Fire>(
      `select id, scheduled_at, status, backfill from trigger_fires where trigger_id = $1 and status in ('pending', 'buffered') order by scheduled_at`,
      [triggerId],
    );
    const { rows: activeRows } = await tx.query(`select id from runs where trigger_id = $1 and status = any($2::run_status[]) order by created_at`, [triggerId, activeRunStatuses]);
    const active = activeRows.map((r) => r.id as string);
    let buffered = fires.some((f) => f.status === "buffered");
    let started = 0;
    const settle = (fire: Fire, status: string, reason: string | null, runId: string | null = null) =>
      tx.query(`update trigger_fires set status = $2, reason = $3, run_id = $4, started_at = case when $2 = 'started' then now() else started_at end where id = $1`, [fire.id, status, reason, runId]);

    for (const fire of fires) {
      const policy: OverlapPolicy = fire.backfill && config.overlap !== "allow_all" ? "buffer_all" : config.overlap;
      if (active.length > 0 && policy !== "allow_all" && policy !== "cancel_other") {
        const going = `run ${active[0]} was still going`;
        if (policy === "skip") await settle(fire, "skipped", `${going} (overlap: skip)`);
        else if (policy === "buffer_one" && buffered && fire.status !== "buffered") await settle(fire, "skipped", `${going} and one fire was already waiting (overlap: buffer_one)`);
        else if (fire.status !== "buffered") await settle(fire, "buffered", `waits for run ${active[0]} (overlap: ${policy})`);
        buffered = true;
        // Later fires wait behind this one: buffers keep their order.
        continue;
      }
      if (policy === "cancel_other") {
        for (const runId of active.splice(0)) await cancelRun(deps, runId, triggerActor(trigger)).catch(ignoreFinished);
      }
      try {
        const runId = await startFire(deps, trigger, fire);
        await settle(fire, "started", null, runId);
        active.push(runId);
        started++;
      } catch (error) {
        // The workflow has no published version, the input does not fit it, a template failed.
        if (!(error instanceof ApiError || error instanceof NonRetryableError)) throw error;
        await settle(fire, "failed", error.message);
      }
      buffered = false;
    }
    return started;
  });
}

/** A run that ended between our query and the cancel needs no cancelling. */
const ignoreFinished = (error: unknown) => {
  if (!(error instanceof ApiError && error.status === 409)) throw error;
};

interface TriggerRow {
  id: string;
  workflow_id: string;
  name: string;
  input: unknown;
  pinned_version: number | null;
}

/** Starts the fire's run, or finds the one an earlier attempt started; returns its id. */
async function startFire(deps: EngineDeps, trigger: TriggerRow, fire: Fire): Promise<string> {
  const scheduledAt = fire.scheduled_at.toISOString();
  const context = { trigger: { id: trigger.id, name: trigger.name, kind: "cron", scheduledAt, backfill: fire.backfill } };
  const input = await expressionPool().resolve(trigger.input ?? defaultInputs.cron, context as unknown as RunContext);
  try {
    const run = await startRun(deps, {
      workflowId: trigger.workflow_id,
      ...(trigger.pinned_version ? { version: trigger.pinned_version } : {}),
      input,
      idempotencyKey: `cron:${trigger.id}:${scheduledAt}`,
      trigger: { id: trigger.id, kind: "cron", name: trigger.name, scheduledAt },
      actor: triggerActor(trigger),
    });
    return run.id;
  } catch (error) {
    // An input template that reads the clock builds another input the second time: same fire, same run.
    if (error instanceof ApiError && error.code === "idempotency-key-reused") return error.extra.runId as string;
    throw error;
  }
}
