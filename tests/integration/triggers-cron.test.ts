// Cron triggers against real workers: exactly one run per fire time with two workers (one killed
// at the fire time), the overlap policies, the catch-up window after downtime, backfill, pausing,
// history, and the 4xx a bad schedule gets. Downtime is made by moving a trigger's last fire time
// back in the database: the scheduler then sees the fire times it slept through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, publish, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
let quick: string;
let slow: string;

beforeAll(async () => {
  engine = await startEngine({ workers: 2 });
  const editor = await engine.as("editor");
  quick = await publish(editor, linear([{ id: "t", type: "transform", config: { output: { at: "{{ input.scheduledAt }}" } } }], { output: "{{ steps.t.output }}" }), "Quick job");
  // A run that stays going (a ten-minute delay) until the test cancels it.
  slow = await publish(
    editor,
    definition(
      [
        { id: "start", type: "start" },
        { id: "hold", type: "delay", config: { durationMs: 600_000 } },
        { id: "end", type: "end" },
      ],
      [
        ["start", "hold"],
        ["hold", "end"],
      ],
    ),
    "Slow job",
  );
}, 120_000);
afterAll(async () => {
  await engine?.stop();
});

const cron = (overlap: string, extra: Record<string, unknown> = {}) => ({ kind: "cron", name: `every minute (${overlap})`, config: { cron: "* * * * *", timezone: "Europe/Berlin", overlap, ...extra } });
/** Hourly, created paused: the tests make its fires come due by pretending downtime. */
const hourly = (overlap: string, catchupWindowMs = 24 * 3_600_000) => ({ kind: "cron", name: `hourly (${overlap})`, paused: true, config: { cron: "0 * * * *", timezone: "UTC", overlap, catchupWindowMs } });

async function addTrigger(workflowId: string, body: Record<string, unknown>) {
  const res = await (await engine.as("editor")).post(`/workflows/${workflowId}/triggers`, body);
  expect(res.status, res.text).toBe(201);
  return res.json;
}

/** Pretends the workers were down for `hours` (and the trigger running): its last `hours + 1`
 * hourly fire times come due now. */
async function sleptThrough(triggerId: string, hours: number) {
  await engine.db.pool.query(
    `update triggers set paused = false, last_fire_at = date_trunc('hour', now()) - make_interval(hours => $2) - interval '1 second', next_fire_at = now() where id = $1`,
    [triggerId, hours],
  );
}
const pause = (...ids: string[]) => engine.db.pool.query(`update triggers set paused = true where id = any($1)`, [ids]);

const fires = async (triggerId: string) =>
  (await engine.db.pool.query(`select scheduled_at, status, reason, run_id, backfill from trigger_fires where trigger_id = $1 order by scheduled_at`, [triggerId])).rows;
const runsOf = async (triggerId: string) =>
  (await engine.db.pool.query(`select id, status, idempotency_key, input from runs where trigger_id = $1 order by created_at`, [triggerId])).rows;
const settled = (triggerId: string, count: number) =>
  waitFor(`${count} fires of ${triggerId} decided`, async () => {
    const all = await fires(triggerId);
    return all.length >= count && all.every((f) => f.status !== "pending") ? all : undefined;
  }, 30_000);

async function cancelAll(triggerId: string) {
  const operator = await engine.as("operator");
  for (const r of await runsOf(triggerId)) if (["queued", "running", "waiting"].includes(r.status)) await operator.post(`/runs/${r.id}/cancel`, {});
}

describe("cron triggers", () => {
  it("start exactly one run per fire time with two workers, one of them killed at the fire time", async () => {
    const trigger = await addTrigger(quick, cron("allow_all"));
    expect(trigger).toMatchObject({ kind: "cron", paused: false, config: { onSkippedTime: "shift", onRepeatedTime: "first", catchupWindowMs: 3_600_000 } });
    const next = new Date(trigger.nextFireAt).getTime();
    expect(next % 60_000).toBe(0);
    // Kill one worker as the fire time comes; the other (and a fresh one) carry on.
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    engine.workers[0].kill("SIGKILL");
    await engine.workers[0].exited;
    engine.workers.shift();
    await engine.addWorker();
    const [fire] = await settled(trigger.id, 1);
    expect(fire).toMatchObject({ status: "started", scheduled_at: new Date(next) });
    const runs = await runsOf(trigger.id);
    expect(runs).toHaveLength(1);
    expect(runs[0].idempotency_key).toBe(`cron:${trigger.id}:${new Date(next).toISOString()}`);
    const run = await waitForRun(await engine.as("viewer"), runs[0].id);
    expect(run).toMatchObject({ status: "succeeded", output: { at: new Date(next).toISOString() }, trigger: { id: trigger.id, kind: "cron", name: "every minute (allow_all)" } });
    await pause(trigger.id);
  }, 150_000);

  it("catches up the fires missed within the window, once each, oldest first, and counts the older ones as missed", async () => {
    const trigger = await addTrigger(quick, hourly("allow_all", 150 * 60_000));
    await sleptThrough(trigger.id, 5);
    const all = await settled(trigger.id, 2);
    // Of six fire times (the last five hours and this one), those older than 2.5 hours are dropped.
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.length).toBeLessThanOrEqual(3);
    expect(all.every((f) => f.status === "started")).toBe(true);
    const row = (await engine.db.pool.query(`select missed_fires from triggers where id = $1`, [trigger.id])).rows[0];
    expect(row.missed_fires + all.length).toBe(6);
    const runs = await runsOf(trigger.id);
    expect(runs.map((r) => r.input.scheduledAt)).toEqual(all.map((f) => f.scheduled_at.toISOString()));
    const shown = (await (await engine.as("viewer")).get(`/triggers/${trigger.id}`)).json;
    expect(shown.missedFires).toBe(row.missed_fires);
    expect(shown.fires).toHaveLength(all.length);
    await pause(trigger.id);
  });

  it("skip: while a run is going, later fires are skipped", async () => {
    const trigger = await addTrigger(slow, hourly("skip"));
    await sleptThrough(trigger.id, 2);
    const all = await settled(trigger.id, 3);
    expect(all.map((f) => f.status)).toEqual(["started", "skipped", "skipped"]);
    expect(all[1].reason).toMatch(/still going \(overlap: skip\)/);
    expect(await runsOf(trigger.id)).toHaveLength(1);
    await pause(trigger.id);
    await cancelAll(trigger.id);
  });

  it("buffer_one: one fire waits for the run, the next is skipped; it starts when the run ends", async () => {
    const trigger = await addTrigger(slow, hourly("buffer_one"));
    await sleptThrough(trigger.id, 2);
    const all = await settled(trigger.id, 3);
    expect(all.map((f) => f.status)).toEqual(["started", "buffered", "skipped"]);
    await cancelAll(trigger.id);
    const after = await waitFor("the buffered fire to start", async () => ((await fires(trigger.id))[1].status === "started" ? fires(trigger.id) : undefined), 30_000);
    expect(after.map((f) => f.status)).toEqual(["started", "started", "skipped"]);
    expect(await runsOf(trigger.id)).toHaveLength(2);
    await pause(trigger.id);
    await cancelAll(trigger.id);
  });

  it("buffer_all: every fire waits its turn; cancel_other: each fire cancels the run before it", async () => {
    const buffered = await addTrigger(slow, hourly("buffer_all"));
    const cancelling = await addTrigger(slow, hourly("cancel_other"));
    await sleptThrough(buffered.id, 2);
    await sleptThrough(cancelling.id, 2);
    await waitFor("buffer_all to hold two fires", async () => ((await fires(buffered.id)).filter((f) => f.status === "buffered").length === 2 ? true : undefined), 30_000);
    const cancelled = await settled(cancelling.id, 3);
    expect(cancelled.map((f) => f.status)).toEqual(["started", "started", "started"]);
    const runs = await runsOf(cancelling.id);
    expect(runs.map((r) => r.status)).toEqual(["cancelled", "cancelled", expect.stringMatching(/queued|running|waiting/)]);
    await cancelAll(buffered.id);
    await waitFor("the second buffered fire to start", async () => ((await fires(buffered.id))[1].status === "started" ? true : undefined), 30_000);
    expect((await fires(buffered.id)).map((f) => f.status)).toEqual(["started", "started", "buffered"]);
    await pause(buffered.id, cancelling.id);
    await cancelAll(buffered.id);
    await cancelAll(cancelling.id);
  });

  it("backfills a past range, one run per fire time, and adds nothing twice", async () => {
    const editor = await engine.as("editor");
    const trigger = await addTrigger(quick, hourly("skip"));
    const res = await editor.post(`/triggers/${trigger.id}/backfill`, { from: "2026-11-01T00:00:00Z", to: "2026-11-01T04:30:00Z" });
    expect(res.json).toEqual({ fires: 5, alreadyRecorded: 0 });
    expect((await editor.post(`/triggers/${trigger.id}/backfill`, { from: "2026-11-01T03:00:00Z", to: "2026-11-01T05:00:00Z" })).json).toEqual({ fires: 1, alreadyRecorded: 2 });
    await editor.patch(`/triggers/${trigger.id}`, { paused: false });
    const all = await waitFor("six backfilled runs", async () => {
      const f = await fires(trigger.id);
      return f.filter((x) => x.status === "started").length === 6 ? f : undefined;
    }, 60_000);
    expect(all.map((f) => f.scheduled_at.toISOString().slice(11, 16))).toEqual(["00:00", "01:00", "02:00", "03:00", "04:00", "05:00"]);
    expect(all.every((f) => f.backfill)).toBe(true);
    expect(await runsOf(trigger.id)).toHaveLength(6);
    await editor.patch(`/triggers/${trigger.id}`, { paused: true });
    // A viewer cannot backfill, and a range in the future is refused.
    expect((await (await engine.as("viewer")).post(`/triggers/${trigger.id}/backfill`, { from: "2026-11-01T00:00:00Z", to: "2026-11-01T01:00:00Z" })).status).toBe(403);
    const future = await editor.post(`/triggers/${trigger.id}/backfill`, { from: "2026-11-01T00:00:00Z", to: "2099-01-01T00:00:00Z" });
    expect(future.status).toBe(422);
    expect(future.json.errors[0].path).toBe("to");
  });

  it("refuses a bad expression, zone or policy with the field, and saves nothing", async () => {
    const editor = await engine.as("editor");
    const before = (await editor.get(`/workflows/${quick}/triggers`)).json.triggers.length;
    const bad = async (config: Record<string, unknown>, path: string, message: RegExp) => {
      const res = await editor.post(`/workflows/${quick}/triggers`, { kind: "cron", name: "bad", config: { cron: "0 9 * * *", ...config } });
      expect(res.status, res.text).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
    };
    await bad({ cron: "61 * * * *" }, "config.cron", /minute/);
    await bad({ cron: "every day" }, "config.cron", /5 fields/);
    await bad({ timezone: "Mars/Olympus" }, "config.timezone", /Unknown time zone/);
    await bad({ overlap: "sometimes" }, "config.overlap", /skip/);
    const pinned = await editor.post(`/workflows/${quick}/triggers`, { kind: "cron", name: "pinned", pinnedVersion: 9, config: { cron: "0 9 * * *" } });
    expect(pinned.status).toBe(422);
    expect(pinned.json.errors[0].path).toBe("pinnedVersion");
    expect((await (await engine.as("viewer")).post(`/workflows/${quick}/triggers`, { kind: "cron", name: "x", config: { cron: "0 9 * * *" } })).status).toBe(403);
    expect((await editor.get(`/workflows/${quick}/triggers`)).json.triggers.length).toBe(before);
  });

  it("keeps its history: who created, changed, paused, resumed and deleted it, with before and after", async () => {
    const editor = await engine.as("editor");
    const trigger = await addTrigger(quick, { kind: "cron", name: "nightly", config: { cron: "0 2 * * *", timezone: "Europe/Berlin" }, paused: true });
    expect((await editor.patch(`/triggers/${trigger.id}`, { config: { cron: "0 3 * * *", timezone: "Europe/Berlin" } })).status).toBe(200);
    expect((await editor.patch(`/triggers/${trigger.id}`, { config: { cron: "nope" } })).status).toBe(422);
    await editor.patch(`/triggers/${trigger.id}`, { paused: false });
    const shown = (await editor.get(`/triggers/${trigger.id}`)).json;
    expect(new Date(shown.nextFireAt).getUTCHours()).toBe(2); // 03:00 in Berlin in winter
    expect(shown.history.map((h: { action: string }) => h.action)).toEqual(["trigger.resumed", "trigger.updated", "trigger.created"]);
    expect(shown.history[1].data.before.config.cron).toBe("0 2 * * *");
    expect(shown.history[1].data.after.config.cron).toBe("0 3 * * *");
    expect(shown.history[1].actor).toMatch(/^user:/);
    expect((await editor.delete(`/triggers/${trigger.id}`)).status).toBe(204);
    expect((await editor.get(`/triggers/${trigger.id}`)).status).toBe(404);
    const listed = (await editor.get(`/workflows/${quick}/triggers`)).json.triggers;
    expect(listed.some((t: { id: string }) => t.id === trigger.id)).toBe(false);
  });

  it("lists a trigger's runs in /runs by trigger", async () => {
    const viewer = await engine.as("viewer");
    const { rows } = await engine.db.pool.query(`select trigger_id, count(*)::int as n from runs where trigger_id is not null group by trigger_id order by n desc limit 1`);
    const listed = (await viewer.get(`/runs?triggerId=${rows[0].trigger_id}&limit=200`)).json.runs;
    expect(listed).toHaveLength(rows[0].n);
    expect(listed.every((r: { trigger: { id: string } }) => r.trigger.id === rows[0].trigger_id)).toBe(true);
  });
});
