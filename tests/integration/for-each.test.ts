// For-each: a drawn step or a workflow run once per item, chunk by chunk with a set parallelism,
// results in item order, progress events in order; failure policies; an operator's retry that
// runs only the items that did not succeed; and, through a worker killed with SIGKILL mid-way,
// 10,000 items of a drawn step and 500 of a workflow, every item done exactly once (a local
// server records each item by the Idempotency-Key its call carries). A workflow's items are child
// runs, slower (a run of three steps each), so fewer of them here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/processes.ts";
import { openStream } from "../helpers/sse.ts";

let engine: Engine;
let server: TestServer;
let inFlight = 0;
let maxInFlight = 0;
/** Per item index: when its call began and ended. */
const calls = new Map<number, { started: number; ended: number }>();
/** Per Idempotency-Key: the indexes it was called with (a repeated attempt sends the same key). */
const byKey = new Map<string, Set<number>>();

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine({ workers: 2 }), startTestServer()]);
  server.on("/item", (req, _n, res) => {
    const { index, fail, slow } = JSON.parse(req.body) as { index: number; fail?: boolean; slow?: boolean };
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const started = Date.now();
    setTimeout(
      () => {
        inFlight--;
        calls.set(index, { started, ended: Date.now() });
        if (fail) return json(res, 400, { error: `item ${index} refused` });
        json(res, 200, { doubled: index * 2 });
      },
      slow ? 30 : 1,
    );
  });
  server.on("/record", (req, _n, res) => {
    const { index } = JSON.parse(req.body) as { index: number };
    const key = String(req.headers["idempotency-key"]);
    byKey.set(key, (byKey.get(key) ?? new Set()).add(index));
    json(res, 200, { ok: true });
  });
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

/** The body: one HTTP call with the item, its output the answer's body. */
const body = (path: string) =>
  linear([{ id: "call", type: "http", config: { method: "POST", url: `${server.url}${path}`, body: { index: "{{ input.index }}", fail: "{{ input.item.fail }}", slow: "{{ input.item.slow }}" } }, retry: { maxAttempts: 1 } }], {
    output: "{{ steps.call.output.body }}",
  });

const loop = (workflowId: string, config: Record<string, unknown>) =>
  linear([{ id: "each", type: "for_each", config: { items: "{{ input.items }}", workflowId, ...config } }], { output: "{{ steps.each.output }}" });

it("runs each item in chunks with at most `parallelism` at once, results in order, progress in order", async () => {
  const editor = await engine.as("editor");
  const bodyId = await publish(editor, body("/item"), "item body");
  const items = Array.from({ length: 25 }, () => ({ slow: true }));
  calls.clear();
  maxInFlight = 0;
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, loop(bodyId, { chunkSize: 10, parallelism: 3 })), { items }));
  expect(run.status).toBe("succeeded");
  expect(run.output).toMatchObject({ total: 25, succeeded: 25, failed: 0, errors: [] });
  expect(run.output.results).toEqual(items.map((_, i) => ({ doubled: i * 2 })));
  expect(maxInFlight).toBeLessThanOrEqual(3);
  expect(maxInFlight).toBeGreaterThan(1);
  // A chunk starts only once the one before it is done.
  for (const chunk of [1, 2]) {
    const before = [...calls].filter(([i]) => Math.floor(i / 10) === chunk - 1).map(([, c]) => c.ended);
    const after = [...calls].filter(([i]) => Math.floor(i / 10) === chunk).map(([, c]) => c.started);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(Math.max(...before));
  }
  const each = stepOf(run, "each");
  expect(each.progress).toMatchObject({ done: 25, total: 25, succeeded: 25, failed: 0, percent: 100, running: 0 });
  expect(each.waitKind).toBe("items");
  // The step's input keeps a count, not the items.
  expect(each.input.items).toBe("(25 items, kept one per row)");
  const progress = (await editor.get(`/runs/${run.id}/events?limit=500`)).json.events.filter((e: { type: string }) => e.type === "step.progress").map((e: { data: { done: number } }) => e.data.done);
  expect(progress.length).toBeGreaterThan(5);
  expect(progress).toEqual([...progress].sort((a: number, b: number) => a - b));
  expect(progress.at(-1)).toBe(25);
  expect(run.children).toHaveLength(25);
});

it("fails fast, continues collecting errors, or fails past a threshold", async () => {
  const editor = await engine.as("editor");
  const bodyId = await publish(editor, body("/item"), "item body, failing");
  const items = Array.from({ length: 10 }, (_, i) => ({ fail: i === 3 || i === 7 }));
  const fast = await waitForRun(editor, await runWorkflow(editor, await publish(editor, loop(bodyId, { chunkSize: 2, parallelism: 1, onFailure: "fail_fast" })), { items }));
  expect(fast.status).toBe("failed");
  expect(stepOf(fast, "each").error).toMatchObject({ code: "item_failed", message: expect.stringContaining("item 3 failed") });
  // Nothing after the failed item was started.
  expect(fast.children.length).toBe(4);

  const all = await waitForRun(editor, await runWorkflow(editor, await publish(editor, loop(bodyId, { onFailure: "continue" })), { items }));
  expect(all.status).toBe("succeeded");
  expect(all.output).toMatchObject({ total: 10, succeeded: 8, failed: 2 });
  expect(all.output.errors.map((e: { index: number }) => e.index)).toEqual([3, 7]);
  expect(all.output.results[3]).toBeNull();

  const lenient = await waitForRun(editor, await runWorkflow(editor, await publish(editor, loop(bodyId, { onFailure: "threshold", maxFailurePercent: 25 })), { items }));
  expect(lenient.status).toBe("succeeded");
  const strict = await waitForRun(editor, await runWorkflow(editor, await publish(editor, loop(bodyId, { chunkSize: 1, parallelism: 1, onFailure: "threshold", maxFailurePercent: 15 })), { items }));
  expect(strict.status).toBe("failed");
  expect(stepOf(strict, "each").error.message).toContain("2 of 10 items failed, more than 15 %");
});

it("refuses items that are not a list, without retrying", async () => {
  const editor = await engine.as("editor");
  const bodyId = await publish(editor, body("/item"), "item body, unused");
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, loop(bodyId, {})), { items: { not: "a list" } }));
  expect(run.status).toBe("failed");
  expect(stepOf(run, "each")).toMatchObject({ attempt: 1, error: { message: expect.stringContaining("not a list") } });
});

/** A for-each whose body is a step drawn on its "each item" edge, not a workflow. */
const drawnLoop = (step: Record<string, unknown>, config: Record<string, unknown>) => {
  const d = linear([{ id: "each", type: "for_each", config: { items: "{{ input.items }}", ...config } }], { output: "{{ steps.each.output }}" });
  d.nodes.push({ id: "call", type: "http", position: { x: 200, y: 200 }, config: {}, ...step } as (typeof d.nodes)[number]);
  (d.edges as Record<string, unknown>[]).push({ id: "body", source: "each", target: "call", kind: "body" });
  return d;
};
/** Calls per item index (a drawn body's), and the keys they carried. */
const drawnCalls = new Map<number, string[]>();
let refuse = new Set<number>();

describe("with a drawn step as the body", () => {
  beforeAll(() => {
    server.on("/drawn", (req, _n, res) => {
      const { index, flaky } = JSON.parse(req.body) as { index: number; flaky?: boolean };
      const seen = drawnCalls.get(index) ?? [];
      drawnCalls.set(index, [...seen, String(req.headers["idempotency-key"])]);
      if (refuse.has(index)) return json(res, 400, { error: `item ${index} refused` });
      // A flaky item fails its first attempt with a 503, which is retried.
      if (flaky && seen.length === 0) return json(res, 503, { error: "try again" });
      json(res, 200, { tripled: index * 3 });
    });
  });
  const step = (retry: Record<string, unknown> = { maxAttempts: 3, initialDelayMs: 10 }) => ({
    config: { method: "POST", url: `${server.url}/drawn`, body: { index: "{{ index }}", flaky: "{{ item.flaky }}" } },
    retry,
  });

  it("runs the step once per item with {{ item }} and {{ index }}, an Idempotency-Key per item, each item's retries its own", async () => {
    const editor = await engine.as("editor");
    drawnCalls.clear();
    refuse = new Set();
    const items = Array.from({ length: 30 }, (_, i) => ({ flaky: i === 4 }));
    const runId = await runWorkflow(editor, await publish(editor, drawnLoop(step(), { chunkSize: 10, parallelism: 4 })), { items });
    // What the run page follows: read back from the start, then live.
    const stream = await openStream(editor, `/runs/${runId}/stream?after=0`);
    const run = await waitForRun(editor, runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toMatchObject({ total: 30, succeeded: 30, failed: 0, errors: [] });
    expect(run.output.results.map((r: { body: { tripled: number } }) => r.body.tripled)).toEqual(items.map((_, i) => i * 3));
    // runId:forEachNode:index, the same on the retried attempt of item 4.
    expect([...drawnCalls.keys()].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    for (const [index, keys] of drawnCalls) expect(keys).toEqual(index === 4 ? [`${runId}:each:4`, `${runId}:each:4`] : [`${runId}:each:${index}`]);
    // The run's steps are its nodes' (the items are the for-each's); the items are listed on their own.
    expect(run.steps.map((s: { nodeId: string }) => s.nodeId).sort()).toEqual(["each", "end", "start"]);
    const page = (await editor.get(`/runs/${runId}/steps/each/items?limit=5&after=1`)).json;
    expect(page.counts).toEqual({ succeeded: 30 });
    expect(page.items.map((i: { index: number }) => i.index)).toEqual([2, 3, 4, 5, 6]);
    expect(page.items[2]).toMatchObject({ index: 4, status: "succeeded", item: { flaky: true }, step: { status: "succeeded", attempt: 2 }, childRunId: null });
    expect(page.nextCursor).toBe(6);
    // Each item's pass is a step run of the body node with its own attempts; no dead letter.
    const { rows } = await engine.db.pool.query(`select count(*)::int as n, sum(attempt)::int as attempts, min(iteration) as first from step_runs where run_id = $1 and node_id = 'call'`, [runId]);
    expect(rows[0]).toEqual({ n: 30, attempts: 31, first: 1 });
    // The run page's stream leaves the items out: its for-each's progress stands for them. The
    // audit log has every one.
    // (Long: the stream holds events back while any transaction older than them is open in the
    // cluster, and a test elsewhere may hold one for twenty seconds on purpose.)
    await stream.waitFor("the run's end", (m) => m.some((x) => x.data.includes('"run.succeeded"')), 90_000);
    stream.close();
    const streamed = stream.events();
    expect(streamed.filter((e) => e.nodeId === "call")).toEqual([]);
    expect(streamed.filter((e) => e.type === "step.progress" && e.nodeId === "each").length).toBeGreaterThan(5);
    const audit = (await editor.get(`/runs/${runId}/events?limit=1000`)).json.events.filter((e: { nodeId: string }) => e.nodeId === "call");
    expect(audit.filter((e: { type: string }) => e.type === "step.succeeded")).toHaveLength(30);
  });

  it("fails fast, cancelling the items out; an operator's retry runs only the items that did not succeed", async () => {
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    drawnCalls.clear();
    refuse = new Set([5]);
    const items = Array.from({ length: 12 }, () => ({}));
    const runId = await runWorkflow(editor, await publish(editor, drawnLoop(step({ maxAttempts: 1 }), { chunkSize: 4, parallelism: 2 })), { items });
    const failed = await waitForRun(editor, runId);
    expect(failed.status).toBe("failed");
    expect(stepOf(failed, "each").error).toMatchObject({ code: "item_failed", message: expect.stringContaining("item 5 failed") });
    // Nothing of the third chunk started; the for-each is the one dead letter.
    expect(Math.max(...drawnCalls.keys())).toBeLessThan(8);
    const dead = await engine.db.pool.query(`select node_id from dead_letters where run_id = $1`, [runId]);
    expect(dead.rows.map((d) => d.node_id)).toEqual(["each"]);
    const counts = (await editor.get(`/runs/${runId}/steps/each/items`)).json.counts;
    expect(counts.failed).toBe(1);
    expect(counts.succeeded).toBeGreaterThanOrEqual(4);

    refuse = new Set();
    const before = new Map([...drawnCalls].map(([i, k]) => [i, k.length]));
    const succeededBefore = ((await editor.get(`/runs/${runId}/steps/each/items?status=succeeded&limit=500`)).json.items as { index: number }[]).map((i) => i.index);
    expect((await operator.post(`/runs/${runId}/steps/each/retry`)).status).toBe(200);
    const retried = await waitForRun(editor, runId);
    expect(retried.status).toBe("succeeded");
    expect(retried.output).toMatchObject({ total: 12, succeeded: 12, failed: 0 });
    // The items that had succeeded were not called again; every other one was, once more.
    for (const i of succeededBefore) expect(drawnCalls.get(i)).toHaveLength(before.get(i)!);
    for (let i = 0; i < 12; i++) if (!succeededBefore.includes(i)) expect(drawnCalls.get(i)!.length).toBe((before.get(i) ?? 0) + 1);
  });

  it("refuses a for-each with both a workflow and a drawn step, or neither, and a drawn step in the flow", async () => {
    const editor = await engine.as("editor");
    const bodyId = await publish(editor, body("/item"), "item body, both");
    const problems = async (definition: unknown) => {
      const created = await editor.post("/workflows", { name: "bad loop", definition });
      const res = await editor.post(`/workflows/${created.json.id}/versions`, {});
      expect(res.status).toBe(422);
      return (res.json.problems ?? res.json.errors) as { path: string; message: string }[];
    };
    expect(await problems(drawnLoop(step(), { workflowId: bodyId }))).toEqual(expect.arrayContaining([expect.objectContaining({ path: "nodes.1.config.workflowId", message: expect.stringContaining("one of the two") })]));
    expect(await problems(loop("", {}))).toEqual(expect.arrayContaining([expect.objectContaining({ path: "nodes.1.config.workflowId", message: expect.stringContaining("each item") })]));
    const inFlow = drawnLoop(step(), {});
    (inFlow.edges as Record<string, unknown>[]).push({ id: "x", source: "call", target: "end" });
    expect((await problems(inFlow)).map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringContaining("remove its normal connections")]));
  });
});

const ITEMS = 500;

it(`does ${ITEMS.toLocaleString("en-US")} items in chunks of 100, ten at once, through a worker killed mid-way, each exactly once`, { timeout: 600_000 }, async () => {
  const editor = await engine.as("editor");
  const bodyId = await publish(
    editor,
    linear([{ id: "record", type: "http", config: { method: "POST", url: `${server.url}/record`, body: { index: "{{ input.index }}" } } }], { output: { ok: true } }),
    "record an item",
  );
  const items = Array.from({ length: ITEMS }, (_, i) => i);
  const runId = await runWorkflow(editor, await publish(editor, loop(bodyId, { chunkSize: 100, parallelism: 10 })), { items });
  await waitFor("a third of the items", () => byKey.size >= ITEMS / 3, 300_000, 200);
  engine.workers[0].kill("SIGKILL");
  await engine.addWorker();
  const run = await waitForRun(editor, runId, undefined, 540_000);
  expect(run.status).toBe("succeeded");
  expect(run.output).toMatchObject({ total: ITEMS, succeeded: ITEMS, failed: 0 });
  // One key per item, each item under one key: a repeated attempt repeats its key, never its item.
  expect(byKey.size).toBe(ITEMS);
  const indexes = new Set([...byKey.values()].flatMap((s) => [...s]));
  expect(indexes.size).toBe(ITEMS);
  expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
  // One child run per item.
  const { rows } = await engine.db.pool.query(`select count(*)::int as n, count(distinct idempotency_key)::int as keys from runs where parent_run_id = $1`, [runId]);
  expect(rows[0]).toEqual({ n: ITEMS, keys: ITEMS });
});

const DRAWN_ITEMS = 10_000;

it(`does ${DRAWN_ITEMS.toLocaleString("en-US")} items of a drawn step in chunks of 100, ten at once, through a worker killed mid-way, each exactly once`, { timeout: 600_000 }, async () => {
  const editor = await engine.as("editor");
  byKey.clear();
  const record = { config: { method: "POST", url: `${server.url}/record`, body: { index: "{{ index }}" } } };
  const items = Array.from({ length: DRAWN_ITEMS }, (_, i) => i);
  const runId = await runWorkflow(editor, await publish(editor, drawnLoop(record, { chunkSize: 100, parallelism: 10 })), { items });
  await waitFor("a third of the items", () => byKey.size >= DRAWN_ITEMS / 3, 300_000, 200);
  engine.workers[0].kill("SIGKILL");
  await engine.addWorker();
  const run = await waitForRun(editor, runId, undefined, 540_000);
  expect(run.status).toBe("succeeded");
  expect(run.output).toMatchObject({ total: DRAWN_ITEMS, succeeded: DRAWN_ITEMS, failed: 0 });
  expect(run.output.results).toHaveLength(DRAWN_ITEMS);
  // Each item under its own key, runId:each:index; a repeated attempt (the killed worker's) repeats its key, never its item.
  expect(byKey.size).toBe(DRAWN_ITEMS);
  for (const [key, indexes] of byKey) expect([key, [...indexes]]).toEqual([`${runId}:each:${[...indexes][0]}`, [[...indexes][0]]]);
  expect(new Set([...byKey.values()].flatMap((s) => [...s])).size).toBe(DRAWN_ITEMS);
  // One step run per item, and no item still open.
  const { rows } = await engine.db.pool.query(`select count(*)::int as n, count(*) filter (where status = 'succeeded')::int as ok from step_runs where run_id = $1 and iteration > 0`, [runId]);
  expect(rows[0]).toEqual({ n: DRAWN_ITEMS, ok: DRAWN_ITEMS });
});
