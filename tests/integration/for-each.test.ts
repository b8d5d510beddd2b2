// For-each: a workflow run once per item, chunk by chunk with a set parallelism, results in item
// order, progress events in order; failure policies; and 1,000 items surviving a worker killed
// with SIGKILL mid-way, every item done exactly once (a local server records each item by the
// Idempotency-Key its call carries). The same with 10,000 items passes too, in about eight minutes
// on two cores (each item is a child run: about 20 items a second today), too long to run on every
// change; ITEMS below is the only difference.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/processes.ts";

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

const ITEMS = 1_000;

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
