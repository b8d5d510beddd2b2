// Capacity, shared by two workers, against a local server. Circuit breakers: against a server
// that fails and then recovers, the breaker opens after its threshold, steps on it wait (held, no
// attempt burned, no worker held) instead of failing, a probe goes through once it half-opens,
// and it closes when the probe succeeds; operators change settings, force it open and reset it;
// viewers cannot. Rate limits hold their rate. Concurrency limits per key, per dependency and a
// workflow's limit of active runs are never exceeded.
import { afterAll, beforeAll, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/processes.ts";
import { createBreakers } from "../../lib/dependencies/breaker.ts";

let engine: Engine;
let server: TestServer;
let broken = true;
let key: string;
/** When /slow answered each customer's call: [start, end]. */
const spans: { customer: string; started: number; ended: number }[] = [];
/** When /busy was called and answered, per dependency-limited call. */
const busy: { started: number; ended: number }[] = [];
/** The same for /work, called by runs of a workflow with a limit of active runs. */
const work: { started: number; ended: number }[] = [];
let openWorkGate!: () => void;
const workGate = new Promise<void>((resolve) => (openWorkGate = resolve));

/** A route that answers after `ms`, recording when each call began and ended in `spans`. */
const answerAfter = (ms: number, spans: { started: number; ended: number }[]) => (_req: unknown, _n: number, res: Parameters<typeof json>[0]) => {
  const started = Date.now();
  setTimeout(() => {
    spans.push({ started, ended: Date.now() });
    json(res, 200, { ok: true });
  }, ms);
};

/** The most intervals open at one instant. */
function mostAtOnce(intervals: { started: number; ended: number }[]) {
  const edges = intervals.flatMap((i) => [[i.started, 1], [i.ended, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (open += d));
  return most;
}

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine({ workers: 2 }), startTestServer()]);
  server.on("/api", (_req, n, res) => (broken ? json(res, 503, { error: "down" }) : json(res, 200, { ok: true, call: n })));
  server.on("/other", (_req, n, res) => json(res, 200, { call: n }));
  server.on("/rated", (_req, n, res) => json(res, 200, { call: n }));
  server.on("/slow", (req, _n, res) => {
    const customer = new URL(req.url, "http://x").searchParams.get("customer")!;
    const started = Date.now();
    setTimeout(() => {
      spans.push({ customer, started, ended: Date.now() });
      json(res, 200, { customer });
    }, 60);
  });
  server.on("/busy", answerAfter(150, busy));
  // Calls to /work answer after 400 ms, but not before the test opens the gate (so that runs
  // started on a loaded machine still find the first two at work).
  server.on("/work", (req, n, res) => void workGate.then(() => answerAfter(400, work)(req, n, res)));
  key = new URL(server.url).host;
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

const path = (k: string) => `/dependencies/${encodeURIComponent(k)}`;

it("opens after failures, holds steps instead of failing them, probes when half-open, closes on recovery", async () => {
  const operator = await engine.as("operator");
  const editor = await engine.as("editor");
  expect((await (await engine.as("viewer")).put(path(key), { failureThreshold: 3 })).status).toBe(403);
  const settings = await operator.put(path(key), { failureThreshold: 3, windowMs: 60_000, coolDownMs: 1_500, halfOpenProbes: 1 });
  expect(settings.status).toBe(200);
  expect(settings.json).toMatchObject({ key, state: "closed", settings: { failureThreshold: 3, coolDownMs: 1500 } });

  const workflow = await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/api` }, retry: { maxAttempts: 4, initialDelayMs: 300, multiplier: 1, jitter: "none" } }]));
  const runs = await Promise.all(Array.from({ length: 6 }, () => runWorkflow(editor, workflow)));

  await waitFor("the breaker to open", async () => (await operator.get(path(key))).json.state === "open", 20_000);
  const open = (await operator.get(path(key))).json;
  expect(open.lastError).toContain("503");
  await waitFor("a step to be held", async () => ((await operator.get(path(key))).json.waiting as number) > 0, 20_000);
  const held = (await operator.get(path(key))).json.waitingSteps;
  expect(runs).toContain(held[0].runId);
  // On the run: queued with the reason, the held attempt not counted against the budget.
  const heldRun = (await editor.get(`/runs/${held[0].runId}`)).json;
  expect(stepOf(heldRun, "call")).toMatchObject({ status: "queued", reason: expect.stringContaining(`circuit ${key} open until`) });
  const failingCalls = server.calls("/api").length;

  broken = false;
  const done = await Promise.all(runs.map((id) => waitForRun(editor, id, undefined, 60_000)));
  expect(done.map((r) => r.status)).toEqual(Array(6).fill("succeeded"));
  // Without the breaker the six steps would have failed up to 4 times each against the dead server.
  expect(failingCalls).toBeLessThan(12);
  const attempts = done.flatMap((r) => stepOf(r, "call").attempts.map((a: { status: string }) => a.status));
  expect(attempts).toContain("held");
  for (const r of done) {
    const call = stepOf(r, "call");
    const counted = call.attempts.filter((a: { status: string }) => a.status !== "held").length;
    expect(counted).toBeLessThanOrEqual(4);
    expect(call.maxAttempts - call.attempts.filter((a: { status: string }) => a.status === "held").length).toBe(4);
  }

  const history = (await operator.get(path(key))).json.events.map((e: { type: string }) => e.type).reverse();
  expect(history.slice(0, 1)).toEqual(["settings_changed"]);
  const afterSettings = history.slice(1);
  expect(afterSettings[0]).toBe("opened");
  expect(afterSettings.at(-1)).toBe("closed");
  expect(afterSettings).toContain("half_opened");
  expect((await operator.get(path(key))).json.state).toBe("closed");
});

it("forced open holds every step until an operator resets it; the reset lets them go at once", async () => {
  const operator = await engine.as("operator");
  const editor = await engine.as("editor");
  const other = "other-service";
  expect((await (await engine.as("viewer")).post(`${path(other)}/force-open`, {})).status).toBe(403);
  expect((await operator.put(path(other), { coolDownMs: 60_000 })).status).toBe(200);
  expect((await operator.post(`${path(other)}/force-open`, {})).json).toMatchObject({ state: "open", forced: true });
  // A named dependency on a step, instead of its host.
  const workflow = await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/other` }, dependency: other }]));
  const runId = await runWorkflow(editor, workflow);
  await waitFor("the step to be held", async () => (await operator.get(path(other))).json.waiting === 1, 20_000);
  expect(server.calls("/other")).toHaveLength(0);
  const reset = await operator.post(`${path(other)}/reset`, {});
  expect(reset.status).toBe(200);
  expect(reset.json.state).toBe("closed");
  // Not after the minute-long cool-down: now.
  const run = await waitForRun(editor, runId, undefined, 15_000);
  expect(run.status).toBe("succeeded");
  expect(server.calls("/other")).toHaveLength(1);
  expect((await operator.get(path(other))).json.events.map((e: { type: string; actor: string }) => e.type)).toEqual(["reset", "forced_open", "settings_changed"]);
});

it("keeps 200 calls to a rate-limited dependency at or under 20 a second across two workers, each held step waiting for its reserved turn", async () => {
  const operator = await engine.as("operator");
  const editor = await engine.as("editor");
  expect((await operator.put(path("rated-api"), { ratePerSecond: 20, burst: 1 })).json.settings).toMatchObject({ ratePerSecond: 20, burst: 1 });
  const workflow = await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/rated` }, dependency: "rated-api" }]));
  const runs: string[] = [];
  for (let i = 0; i < 200; i += 20) runs.push(...(await Promise.all(Array.from({ length: 20 }, () => runWorkflow(editor, workflow)))));
  const done = await Promise.all(runs.map((id) => waitForRun(editor, id, undefined, 60_000)));
  expect(done.every((r) => r.status === "succeeded")).toBe(true);
  // A call repeated by a retry (a connection reset on a loaded machine) takes a token too.
  const rated = server.calls("/rated");
  expect(new Set(rated.map((r) => r.headers["idempotency-key"])).size).toBe(200);
  const times = rated.map((r) => r.at).sort((a, b) => a - b);
  // 199 gaps or more, at least 50 ms each: the whole batch takes at least 9.95 s.
  const perSecond = (times.length - 1) / ((times.at(-1)! - times[0]) / 1000);
  expect(perSecond).toBeLessThanOrEqual(20.2);
  // Steps waited for their turn holding no worker, with the reason on the step. (How many depends
  // on how fast the runs were started: 20 at once, far faster than 20 a second on an idle machine,
  // barely faster on a loaded one.)
  const held = done.filter((r) => stepOf(r, "call").attempts.some((a: { status: string }) => a.status === "held"));
  expect(held.length).toBeGreaterThan(50);
  expect(stepOf(held[0], "call").attempts.find((a: { status: string }) => a.status === "held").error.message).toMatch(/^rate limit 20\/s of rated-api: its turn at/);
});

it("answers 404 for a dependency never seen, and 422 naming the field for bad settings", async () => {
  const operator = await engine.as("operator");
  expect((await operator.get(path("never-seen"))).status).toBe(404);
  const bad = await operator.put(path("x"), { failureThreshold: 0 });
  expect(bad.status).toBe(422);
  expect(bad.json.errors[0].path).toBe("failureThreshold");
  expect((await operator.get(path("x"))).status).toBe(404);
});

it("never runs two steps of one key at once with a per-key concurrency limit of 1 (20 runs, 2 keys)", async () => {
  const editor = await engine.as("editor");
  const workflow = await publish(
    editor,
    linear([{ id: "call", type: "http", config: { url: `${server.url}/slow?customer={{ input.customerId }}` }, concurrency: { key: "{{ input.customerId }}", limit: 1 } }]),
  );
  const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => runWorkflow(editor, workflow, { customerId: i % 2 ? "c-odd" : "c-even" })));
  const done = await Promise.all(runs.map((id) => waitForRun(editor, id, undefined, 60_000)));
  expect(done.every((r) => r.status === "succeeded")).toBe(true);
  expect(spans).toHaveLength(20);
  for (const customer of ["c-odd", "c-even"]) {
    const mine = spans.filter((s) => s.customer === customer).sort((a, b) => a.started - b.started);
    expect(mine).toHaveLength(10);
    for (let i = 1; i < mine.length; i++) expect(mine[i].started, `${customer} call ${i} began before call ${i - 1} ended`).toBeGreaterThanOrEqual(mine[i - 1].ended);
  }
  // The two keys did run side by side: the limit is per key, not for the step.
  const odd = spans.filter((s) => s.customer === "c-odd");
  const even = spans.filter((s) => s.customer === "c-even");
  expect(odd.some((o) => even.some((e) => e.started < o.ended && o.started < e.ended))).toBe(true);
  // Held steps said why.
  const held = done.flatMap((r) => stepOf(r, "call").attempts.filter((a: { status: string }) => a.status === "held"));
  expect(held.length).toBeGreaterThan(0);
  expect(held[0].error.message).toMatch(/^concurrency limit 1 for c-(odd|even): \d+ ahead of it$/);
});

it("keeps at most 2 calls at once to a dependency with a concurrency limit of 2, across workflows and workers", async () => {
  const operator = await engine.as("operator");
  const editor = await engine.as("editor");
  expect((await operator.put(path("busy-api"), { maxConcurrent: 2 })).json.settings).toMatchObject({ maxConcurrent: 2 });
  const call = { id: "call", type: "http", config: { url: `${server.url}/busy` }, dependency: "busy-api" };
  // Two workflows on the same dependency: the limit is the dependency's, not a step's.
  const [a, b] = [await publish(editor, linear([call]), "busy a"), await publish(editor, linear([call]), "busy b")];
  const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => runWorkflow(editor, i % 2 ? a : b)));
  const done = await Promise.all(runs.map((id) => waitForRun(editor, id, undefined, 60_000)));
  expect(done.every((r) => r.status === "succeeded")).toBe(true);
  expect(busy).toHaveLength(12);
  expect(mostAtOnce(busy)).toBe(2);
  const held = done.flatMap((r) => stepOf(r, "call").attempts.filter((a: { status: string }) => a.status === "held"));
  expect(held.length).toBeGreaterThan(0);
  expect(held[0].error.message).toMatch(/^at most 2 calls at once to busy-api: \d+ ahead of it$/);
  const page = (await operator.get(path("busy-api"))).json;
  expect(page).toMatchObject({ inFlight: 0, settings: { maxConcurrent: 2 } });
  expect((await operator.put(path("busy-api"), { maxConcurrent: 0 })).json.errors[0].path).toBe("maxConcurrent");
});

it("holds runs past a workflow's limit of active runs and starts them in arrival order as runs end; a held run can be cancelled", async () => {
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const workflow = await publish(
    editor,
    definition(
      [
        { id: "start", type: "start", config: { maxActiveRuns: 2 } },
        { id: "pause", type: "http", config: { url: `${server.url}/work` } },
        { id: "end", type: "end" },
      ],
      [
        ["start", "pause"],
        ["pause", "end"],
      ],
    ),
  );
  const runs: string[] = [];
  for (let i = 0; i < 7; i++) runs.push(await runWorkflow(editor, workflow, { n: i }));
  // The first two go; the others wait, in the order they came, saying why.
  const third = (await editor.get(`/runs/${runs[2]}`)).json;
  expect(third).toMatchObject({ status: "queued", heldSince: expect.any(String) });
  expect(third.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(["start"]);
  const listed = (await editor.get(`/runs?workflowId=${workflow}&status=queued`)).json.runs;
  expect(listed.filter((r: { heldSince: string | null }) => r.heldSince).length).toBeGreaterThanOrEqual(4);
  // A held run is cancelled without ever starting.
  expect((await operator.post(`/runs/${runs[6]}/cancel`, {})).status).toBe(200);
  openWorkGate();

  const done = await Promise.all(runs.map((id) => waitForRun(editor, id, undefined, 60_000)));
  expect(done.map((r) => r.status)).toEqual([...Array(6).fill("succeeded"), "cancelled"]);
  expect(done[6].steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(["start"]);
  // At no instant did more than two runs do their work (each call happens while its run holds a
  // slot: after its admission, before its end), and, from the audit log, they were admitted in
  // arrival order.
  const { rows } = await engine.db.pool.query(
    `select r.id,
            -- Admission order: event ids (runs admitted together share a transaction's time).
            coalesce((select max(id) from run_events e where e.run_id = r.id and e.type = 'run.admitted'),
                     (select min(id) from run_events e where e.run_id = r.id and e.type = 'run.created'))::int as admitted_seq,
            exists (select 1 from run_events e where e.run_id = r.id and e.type = 'run.held') as held
       from runs r where r.id = any($1::uuid[]) and r.status = 'succeeded'`,
    [runs],
  );
  expect(work).toHaveLength(6);
  expect(mostAtOnce(work)).toBe(2);
  expect(rows.filter((r) => r.held)).toHaveLength(4);
  const order = rows.toSorted((x, y) => x.admitted_seq - y.admitted_seq).map((r) => runs.indexOf(r.id));
  expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  const events = (await editor.get(`/runs/${runs[3]}/events`)).json.events.map((e: { type: string }) => e.type);
  expect(events).toEqual(expect.arrayContaining(["run.created", "run.held", "run.admitted", "run.started", "run.succeeded"]));
});

it("gives a half-open breaker's probe slot back when the rate limit holds that probe for its turn", async () => {
  const breakers = createBreakers(engine.db.pool, "test");
  try {
    // Open past its cool-down (so the next call half-opens it and would be the probe), and no token left.
    await engine.db.pool.query(
      `insert into dependencies (key, state, open_until, half_open_probes, rate_per_second, burst, tokens) values ('probe-rate', 'open', now() - interval '1 second', 1, 1, 1, 0)`,
    );
    expect(await breakers.admit("probe-rate")).toMatchObject({ ok: false, reason: expect.stringContaining("rate limit 1/s of probe-rate") });
    const { rows } = await engine.db.pool.query(`select state, probes_in_flight from dependencies where key = 'probe-rate'`);
    expect(rows[0]).toEqual({ state: "half_open", probes_in_flight: 0 });
  } finally {
    await breakers.stop();
  }
});
