// `?wait=<seconds>` on run start: resolves when the run finishes, or when the time is up.
import { pool } from "../db.ts";
import { listener } from "../live/listener.ts";
import { eventTypes, RUN_STATUS_AFTER } from "../engine/event-catalog.ts";
import { isFinishedRun } from "../engine/states.ts";

/** The events after which a run is finished (run.succeeded, run.failed, run.cancelled). */
const FINAL: ReadonlySet<string> = new Set(eventTypes.filter((t) => isFinishedRun(RUN_STATUS_AFTER[t] ?? "")));

export async function waitForRun(runId: string, seconds: number): Promise<boolean> {
  if (seconds <= 0) return isFinished(runId);
  let settle!: (finished: boolean) => void;
  const done = new Promise<boolean>((resolve) => (settle = resolve));
  const timer = setTimeout(() => settle(false), seconds * 1000);
  const subscription = await listener().subscribe({ run: runId }, (event) => FINAL.has(event.type) && settle(true));
  try {
    // It may have finished before we listened.
    if (await isFinished(runId)) return true;
    return await done;
  } finally {
    clearTimeout(timer);
    subscription.close();
  }
}

async function isFinished(runId: string): Promise<boolean> {
  const { rows } = await pool().query(`select status from runs where id = $1`, [runId]);
  return isFinishedRun(rows[0]?.status ?? "");
}
