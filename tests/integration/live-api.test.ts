// The live side of the API: SSE streams (per run and for all runs) that resume with
// Last-Event-ID without gaps or duplicates, even when transactions commit out of order; run
// lists with filters, search, cursors and stuck detection; step logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { definition, linear, publish, runWorkflow, startEngine, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { openStream } from "../helpers/sse.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
let server: TestServer;
let open = false;
const waiting: (() => void)[] = [];
const release = () => {
  open = true;
  waiting.splice(0).forEach((go) => go());
};

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine(), startTestServer()]);
  // Answers once the test says so.
  server.on("/gate", (_req, _n, res) => (open ? json(res, 200, { through: true }) : waiting.push(() => json(res, 200, { through: true }))));
  server.on("/ok", (_req, _n, res) => json(res, 200, { ok: true }));
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

const gated = () => linear([{ id: "call", type: "http", config: { url: `${server.url}/gate` } }, { id: "shape", type: "transform", config: { output: { done: true } } }]);

describe("run event stream", () => {
  it("sends a run's events from the first, then live, and resumes after a disconnect with each event once", async () => {
    const viewer = await engine.as("viewer");
    const editor = await engine.as("editor");
    const runId = await runWorkflow(editor, await publish(editor, gated()));
    await waitForStep(editor, runId, "call", ["running"]);

    const first = await openStream(viewer, `/runs/${runId}/stream?after=0`);
    expect(first.status).toBe(200);
    await first.waitFor("the step start", (m) => m.some((x) => x.data.includes('"step.started"')));
    await first.waitFor("ready", (m) => m.some((x) => x.event === "ready"));
    const resumeFrom = first.lastId();
    first.close();

    // Everything after this happens while nobody listens.
    release();
    await waitForRun(editor, runId, ["succeeded"]);

    const second = await openStream(viewer, `/runs/${runId}/stream?after=0`, resumeFrom);
    await second.waitFor("the run to succeed", (m) => m.some((x) => x.data.includes('"run.succeeded"')));
    second.close();

    const seen = [...first.events(), ...second.events()].map((e) => e.id);
    const stored = (await viewer.get(`/runs/${runId}/events?limit=1000`)).json.events.map((e: { id: string }) => e.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...stored].sort());
    expect(second.events().length).toBeGreaterThan(0);
    expect(second.events().every((e) => e.runId === runId)).toBe(true);
  });

  it("delivers events held back by a transaction open elsewhere in the cluster once it ends, with nothing else happening", async () => {
    // A fresh web process: its listener starts at the horizon, behind this open transaction.
    const other = new pg.Client({ connectionString: engine.db.url });
    await other.connect();
    await other.query("begin");
    await other.query("select pg_current_xact_id()");
    const fresh = await startEngine();
    const held: (() => void)[] = [];
    server.on("/hold", (_req, _n, res) => held.push(() => json(res, 200, {})));
    try {
      const editor = await fresh.as("editor");
      const runId = await runWorkflow(editor, await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/hold` } }])));
      await waitForStep(editor, runId, "call", ["running"]);
      const stream = await openStream(await fresh.as("viewer"), `/runs/${runId}/stream?after=0`);
      // The run now waits on the gate: no new event will wake the listener.
      await other.query("commit");
      await stream.waitFor("the step start", (m) => m.some((x) => x.data.includes('"step.started"')));
      stream.close();
    } finally {
      held.forEach((answer) => answer());
      await other.end().catch(() => undefined);
      await fresh.stop();
    }
  });

  it("never lets an event committed late slip behind one committed early", async () => {
    const editor = await engine.as("editor");
    const viewer = await engine.as("viewer");
    const runId = await runWorkflow(editor, await publish(editor, linear([])));
    await waitForRun(editor, runId, ["succeeded"]);
    const stream = await openStream(viewer, `/runs/${runId}/stream`);
    await stream.waitFor("ready", (m) => m.some((x) => x.event === "ready"));

    const tests = () => stream.events().map((e) => e.type).filter((t) => t.startsWith("test."));
    // A takes its transaction id (and an event id) first but commits last. M, older than both,
    // commits after B: it may be delivered at once, and a read that delivers it sees B committed.
    const m = await engine.db.pool.connect();
    const a = await engine.db.pool.connect();
    const b = await engine.db.pool.connect();
    try {
      await m.query("begin");
      await m.query(`insert into run_events (run_id, type, actor) values ($1, 'marker.older', 'test')`, [runId]);
      await a.query("begin");
      await a.query(`insert into run_events (run_id, type, actor) values ($1, 'test.first', 'test')`, [runId]);
      await b.query("begin");
      await b.query(`insert into run_events (run_id, type, actor) values ($1, 'test.second', 'test')`, [runId]);
      await b.query("commit");
      await m.query("commit");
      await stream.waitFor("the older transaction's event", () => stream.events().some((e) => e.type === "marker.older"));
      // The stream went past B's commit, and B is committed, but delivering it now would put it
      // before A, which a reader resuming from B's position would then never see.
      expect(tests()).toEqual([]);
      await a.query("commit");
    } finally {
      m.release();
      a.release();
      b.release();
    }
    await stream.waitFor("both events", () => tests().length === 2);
    expect(tests()).toEqual(["test.first", "test.second"]);
    stream.close();
  });

  it("keeps numeric order where event ids gain a digit", async () => {
    const editor = await engine.as("editor");
    const runId = await runWorkflow(editor, await publish(editor, linear([])));
    await waitForRun(editor, runId, ["succeeded"]);
    const stream = await openStream(await engine.as("viewer"), `/runs/${runId}/stream`);
    await stream.waitFor("ready", (m) => m.some((x) => x.event === "ready"));
    const { rows } = await engine.db.pool.query(`select max(id) as id from run_events`);
    const next = 10 ** String(rows[0].id).length - 3; // the next ids cross a power of ten
    await engine.db.pool.query(`select setval('run_events_id_seq', $1)`, [next]);
    // One transaction: the six share a transaction id, so only the event ids order them.
    await engine.db.pool.query(`insert into run_events (run_id, type, actor) select $1, 'test.tick', 'test' from generate_series(1, 6)`, [runId]);
    // (Events of the run itself may still arrive: the stream follows the run from the
    // listener's position, which can trail the table while other transactions run.)
    const ticks = () => stream.events().filter((e) => e.type === "test.tick");
    await stream.waitFor("six events", () => ticks().length === 6);
    expect(ticks().map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5, 6].map((i) => next + i));
    const listed = (await editor.get(`/runs/${runId}/events?limit=1000`)).json.events.map((e: { id: string }) => Number(e.id));
    expect(listed).toEqual([...listed].sort((a, b) => a - b));
    stream.close();
  });

  it("streams only run-level events of all runs on the runs stream", async () => {
    const editor = await engine.as("editor");
    const stream = await openStream(await engine.as("viewer"), `/runs/stream`);
    await stream.waitFor("ready", (m) => m.some((x) => x.event === "ready"));
    const runId = await runWorkflow(editor, await publish(editor, linear([{ id: "t", type: "transform", config: { output: 1 } }])));
    await stream.waitFor("the run to succeed", () => stream.events().some((e) => e.runId === runId && e.type === "run.succeeded"));
    const types = stream.events().filter((e) => e.runId === runId).map((e) => e.type);
    expect(types).toContain("run.created");
    expect(types.every((t) => t.startsWith("run."))).toBe(true);
    stream.close();
  });

  it("lets go of a subscription when its client disconnects", async () => {
    const viewer = await engine.as("viewer");
    const count = async () => (await viewer.get("/health")).json.live.subscribers as number;
    const before = await count();
    const streams = await Promise.all(Array.from({ length: 5 }, () => openStream(viewer, `/runs/stream`)));
    await Promise.all(streams.map((s) => s.waitFor("ready", (m) => m.some((x) => x.event === "ready"))));
    expect(await count()).toBe(before + 5);
    streams.forEach((s) => s.close());
    await waitFor("the subscriptions to close", async () => (await count()) === before, 10_000);
  });

  it("refuses a malformed Last-Event-ID or after, an unknown run and anonymous readers", async () => {
    const viewer = await engine.as("viewer");
    const bad = await viewer.get(`/runs/stream`, { headers: { "last-event-id": "yesterday" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(bad.json.errors[0].path).toBe("headers.last-event-id");
    const badAfter = await viewer.get(`/runs/stream?after=12`);
    expect(badAfter.status).toBe(400);
    expect(badAfter.json.errors[0].path).toBe("query.after");
    expect((await viewer.get(`/runs/00000000-0000-4000-8000-000000000000/stream`)).status).toBe(404);
    const anonymous = await fetch(`${engine.web.url}/api/v1/runs/stream`);
    expect(anonymous.status).toBe(401);
  });
});

describe("run list", () => {
  it("filters by workflow, status and time, searches ids and keys, and pages without losing a run", async () => {
    const editor = await engine.as("editor");
    const viewer = await engine.as("viewer");
    const workflowId = await publish(editor, linear([]), "list test");
    const before = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await runWorkflow(editor, workflowId, { i }, { "idempotency-key": `key-${i}-${before}` }));
    }
    await Promise.all(ids.map((id) => waitForRun(editor, id, ["succeeded"])));

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await viewer.get(`/runs?workflowId=${workflowId}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      pages.push(...res.json.runs.map((r: { id: string }) => r.id));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(pages).toEqual([...ids].reverse());

    expect((await viewer.get(`/runs?workflowId=${workflowId}&status=failed`)).json.runs).toEqual([]);
    expect((await viewer.get(`/runs?workflowId=${workflowId}&status=succeeded&from=${encodeURIComponent(before)}`)).json.runs).toHaveLength(5);
    expect((await viewer.get(`/runs?workflowId=${workflowId}&to=${encodeURIComponent(before)}`)).json.runs).toEqual([]);
    expect((await viewer.get(`/runs?q=${ids[2]}`)).json.runs.map((r: { id: string }) => r.id)).toEqual([ids[2]]);
    expect((await viewer.get(`/runs?q=${encodeURIComponent(`key-3-${before}`)}`)).json.runs.map((r: { id: string }) => r.id)).toEqual([ids[3]]);

    const list = (await viewer.get(`/runs?workflowId=${workflowId}`)).json;
    expect(list.snapshot).toMatch(/^\d+:\d+:/);
    expect(list.runs[0]).toMatchObject({ workflowName: "list test", status: "succeeded", stuck: null });
  });

  it("explains a bad filter and names the field", async () => {
    const viewer = await engine.as("viewer");
    const cases: [string, string][] = [
      ["/runs?status=sleeping", "query.status"],
      ["/runs?from=yesterday", "query.from"],
      ["/runs?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "query.to"],
      ["/runs?stuck=maybe", "query.stuck"],
      ["/runs?cursor=garbage", "query.cursor"],
      ["/runs?workflowId=nope", "query.workflowId"],
    ];
    for (const [path, field] of cases) {
      const res = await viewer.get(path);
      expect(res.status, path).toBe(400);
      expect(res.json.errors.map((e: { path: string }) => e.path), path).toContain(field);
    }
  });
});

describe("dashboard figures", () => {
  it("count runs by status, bucket them over the window, and list queues and dead letters", async () => {
    const editor = await engine.as("editor");
    const viewer = await engine.as("viewer");
    const runId = await runWorkflow(editor, await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/missing` }, retry: { maxAttempts: 1 } }]), "Stats"));
    await waitForRun(editor, runId, ["failed"]);
    const res = await viewer.get(`/stats?window=15m`);
    expect(res.status).toBe(200);
    const s = res.json;
    const failed = (await viewer.get(`/runs?status=failed&limit=200`)).json.runs.length;
    expect(s.runs.byStatus.failed).toBe(failed);
    expect(s.series.length).toBeGreaterThanOrEqual(30);
    expect(s.series.reduce((n: number, p: { failed: number }) => n + p.failed, 0)).toBe(failed);
    expect(s.steps.find((t: { type: string }) => t.type === "http")).toMatchObject({ failed: expect.any(Number) });
    expect(s.queues.map((q: { name: string }) => q.name)).toContain("baton-steps");
    expect(s.deadLetters.open).toBeGreaterThanOrEqual(1);
    expect(s.deadLetters.recent.map((d: { runId: string }) => d.runId)).toContain(runId);
    expect(s.workers.live).toBe(1);

    const bad = await viewer.get(`/stats?window=1y`);
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe("query.window");
  });
});

describe("the OpenAPI document", () => {
  it("is served without signing in", async () => {
    const res = await fetch(`${engine.web.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/runs/{id}/stream"].get["x-baton-permission"]).toBe("read");
  });
});

describe("step logs", () => {
  it("lists what a step logged, by attempt", async () => {
    const editor = await engine.as("editor");
    const runId = await runWorkflow(editor, await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/ok` } }])));
    await waitForRun(editor, runId, ["succeeded"]);
    const res = await editor.get(`/runs/${runId}/steps/call/logs`);
    expect(res.status).toBe(200);
    expect(res.json.logs).toHaveLength(1);
    expect(res.json.logs[0]).toMatchObject({ attempt: 1, level: "info" });
    expect(res.json.logs[0].message).toMatch(/^GET .*\/ok → 200 in \d+ ms$/);
    expect((await editor.get(`/runs/${runId}/steps/call/logs?attempt=2`)).json.logs).toEqual([]);
    expect((await editor.get(`/runs/${runId}/steps/nope/logs`)).status).toBe(404);
    expect((await editor.get(`/runs/${runId}/steps/call/logs?attempt=0`)).status).toBe(400);
  });
});

describe("stuck runs", () => {
  it("flags a run whose step has been queued past the threshold when no worker runs, with the reason", async () => {
    const stalled = await startEngine({ workers: 0, webEnv: { BATON_STUCK_AFTER_SECONDS: "1" } });
    try {
      const editor = await stalled.as("editor");
      const workflowId = await publish(editor, definition([{ id: "start", type: "start" }, { id: "call", type: "http", config: { url: `${server.url}/ok` } }], [["start", "call"]]));
      const runId = await runWorkflow(editor, workflowId);
      const stuck = await waitFor("the run to be stuck", async () => {
        const res = await editor.get(`/runs?stuck=true`);
        return res.json.runs.find((r: { id: string }) => r.id === runId);
      }, 10_000);
      expect(stuck.stuck).toMatchObject({ nodeId: "call", kind: "queued" });
      expect(stuck.stuck.message).toMatch(/^Step call is queued since .*; are workers running\?$/);
      const run = (await editor.get(`/runs/${runId}`)).json;
      expect(run.stuck).toMatchObject({ nodeId: "call", kind: "queued" });
      expect(run.stuckSteps).toHaveLength(1);
      expect((await editor.get(`/runs?stuck=false`)).json.runs.map((r: { id: string }) => r.id)).not.toContain(runId);

      // A worker arrives: the step runs and the run is no longer stuck.
      await stalled.addWorker();
      await waitForRun(editor, runId, ["succeeded"]);
      expect((await editor.get(`/runs/${runId}`)).json.stuck).toBeNull();
      expect((await editor.get(`/runs?stuck=true`)).json.runs).toEqual([]);
    } finally {
      await stalled.stop();
    }
  });
});
