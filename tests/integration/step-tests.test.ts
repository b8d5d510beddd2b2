// Testing one step from the editor: a worker runs it with the real executor against sample
// data (the last run's, pinned outputs, or what the caller sends) and no run is created;
// template previews evaluate in the same sandbox as runs. Bad requests change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import type { Client } from "../helpers/http.ts";

let engine: Engine;
let server: TestServer;
let editor: Client;

beforeAll(async () => {
  server = await startTestServer();
  server.on("/echo", (req, _n, res) => json(res, 200, { got: JSON.parse(req.body || "null"), auth: req.headers.authorization ?? null }));
  engine = await startEngine();
  editor = await engine.as("editor");
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

const node = (id: string, type: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, config, ...extra });

/** Asks for a test and waits for its result. */
async function testStep(workflowId: string, body: unknown, client = editor) {
  const started = await client.post(`/workflows/${workflowId}/step-tests`, body);
  expect(started.status, started.text).toBe(202);
  expect(started.json.status).toBe("queued");
  let test;
  await expect
    .poll(async () => {
      test = (await client.get(`/step-tests/${started.json.id}`)).json;
      return test.status;
    })
    .toMatch(/^(succeeded|failed)$/);
  return test as unknown as Record<string, unknown> & { status: string; output: unknown; error: { message: string } | null; resolved: unknown };
}

const runCount = async () => engine.db.prisma.run.count();

describe("testing a step", () => {
  it("runs a transform against the sample sent, shows what it resolved to, and creates no run", async () => {
    const id = await publish(editor, linear([{ id: "shape", type: "transform", config: { output: {} } }]), "Test transform");
    const before = await runCount();
    const test = await testStep(id, { node: node("shape", "transform", { output: { greeting: "Hello {{ input.name }}", total: "{{ steps.cart.output.sum * 2 }}" } }), sample: { input: { name: "Ada" }, steps: { cart: { output: { sum: 21 } } } } });
    expect(test).toMatchObject({ status: "succeeded", output: { greeting: "Hello Ada", total: 42 }, resolved: { output: { greeting: "Hello Ada", total: 42 } }, error: null });
    expect(test.durationMs).toEqual(expect.any(Number));
    expect(await runCount()).toBe(before);
    const row = await engine.db.prisma.stepTest.findUniqueOrThrow({ where: { id: test.id as string } });
    expect(row.workerId).toBe((await engine.db.prisma.worker.findFirstOrThrow()).id);
  });

  it("uses the last run's input and outputs when no sample is sent, and a pinned output over them", async () => {
    const id = await publish(
      editor,
      linear([
        { id: "price", type: "transform", config: { output: { amount: "{{ input.amount }}" } } },
        { id: "tax", type: "transform", config: { output: "{{ steps.price.output.amount * 0.2 }}" } },
      ]),
      "Test from samples",
    );
    await waitForRun(editor, await runWorkflow(editor, id, { amount: 50 }));
    const samples = (await editor.get(`/workflows/${id}/samples`)).json;
    expect(samples).toMatchObject({ input: { amount: 50 }, steps: { price: { output: { amount: 50 } } }, sources: { input: { kind: "run" }, price: { kind: "run" } } });

    const tax = node("tax", "transform", { output: "{{ steps.price.output.amount * 0.2 }}" });
    expect((await testStep(id, { node: tax })).output).toBe(10);

    const pinned = await editor.put(`/workflows/${id}/samples/price`, { output: { amount: 500 } });
    expect(pinned.status).toBe(200);
    expect(pinned.json.sources.price).toMatchObject({ kind: "pinned", pinnedBy: expect.stringContaining("editor") });
    expect((await testStep(id, { node: tax })).output).toBe(100);
    // What the caller sends wins over the pin.
    expect((await testStep(id, { node: tax, sample: { steps: { price: { output: { amount: 5 } } } } })).output).toBe(1);

    const unpinned = await editor.delete(`/workflows/${id}/samples/price`);
    expect(unpinned.json.sources.price).toMatchObject({ kind: "run" });
    expect((await testStep(id, { node: tax })).output).toBe(10);
  });

  it("pins the start step's output as the run input", async () => {
    const id = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }]), "Pinned input");
    await editor.put(`/workflows/${id}/samples/start`, { output: { who: "pinned" } });
    expect((await testStep(id, { node: node("a", "transform", { output: "{{ input.who }}" }) })).output).toBe("pinned");
  });

  it("sends an HTTP step's request for real, and keeps its credential out of the result and the table", async () => {
    const id = await publish(editor, linear([{ id: "call", type: "transform", config: { output: 1 } }]), "Test HTTP");
    const secret = "Bearer s3cret-token-value-123";
    const test = await testStep(id, {
      node: node("call", "http", { method: "POST", url: `${server.url}/echo`, headers: { Authorization: secret }, body: { n: "{{ input.n }}" } }),
      sample: { input: { n: 7 } },
    });
    expect(test.status).toBe("succeeded");
    expect(server.calls("/echo").at(-1)!.headers.authorization).toBe(secret);
    expect(test.output).toMatchObject({ status: 200, body: { got: { n: 7 } } });
    const row = await engine.db.prisma.stepTest.findUniqueOrThrow({ where: { id: test.id as string } });
    expect(JSON.stringify(row)).not.toContain("s3cret-token-value-123");
    expect(JSON.stringify(test)).not.toContain("s3cret-token-value-123");
  });

  it("reports a failure with the executor's error, and a would-be wait without waiting", async () => {
    const id = await publish(editor, linear([{ id: "x", type: "transform", config: { output: 1 } }]), "Test failures");
    const down = await testStep(id, { node: node("x", "http", { url: `${server.url}/missing` }) });
    expect(down).toMatchObject({ status: "failed", error: { message: expect.stringContaining("404"), details: { status: 404 } } });
    expect(down.logs).toEqual([expect.objectContaining({ level: "warn", message: expect.stringContaining("→ 404") })]);

    const bad = await testStep(id, { node: node("x", "transform", { output: "{{ $number('x') }}" }) });
    expect(bad).toMatchObject({ status: "failed", error: { code: "template" } });

    const wait = await testStep(id, { node: node("x", "delay", { durationMs: 3_600_000 }) });
    expect(wait.status).toBe("succeeded");
    expect(new Date(wait.waitUntil as string).getTime()).toBeGreaterThan(Date.now() + 3_000_000);

    const branch = await testStep(id, { node: node("x", "condition", { expression: "input.n > 1" }), sample: { input: { n: 2 } } });
    expect(branch).toMatchObject({ status: "succeeded", branch: "true", output: { result: true } });
  });

  it("refuses a step that cannot run, an unknown type, a viewer and a missing workflow, creating nothing", async () => {
    const id = await publish(editor, linear([{ id: "x", type: "transform", config: { output: 1 } }]), "Test refusals");
    const before = await engine.db.prisma.stepTest.count();
    const noUrl = await editor.post(`/workflows/${id}/step-tests`, { node: node("x", "http", { url: "" }) });
    expect(noUrl.status).toBe(422);
    expect(noUrl.headers.get("content-type")).toContain("application/problem+json");
    expect(noUrl.json.errors).toEqual([expect.objectContaining({ path: "node.config.url" })]);
    const unknown = await editor.post(`/workflows/${id}/step-tests`, { node: node("x", "teleport", {}) });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors[0]).toMatchObject({ path: "node.type", message: expect.stringContaining("teleport") });
    const malformed = await editor.post(`/workflows/${id}/step-tests`, { node: { id: "1x", type: "transform" } });
    expect(malformed.status).toBe(422);
    expect(malformed.json.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(["node.id", "node.position"]));
    const viewer = await engine.as("viewer");
    expect((await viewer.post(`/workflows/${id}/step-tests`, { node: node("x", "transform", { output: 1 }) })).status).toBe(403);
    expect((await viewer.put(`/workflows/${id}/samples/x`, { output: 1 })).status).toBe(403);
    expect((await editor.post(`/workflows/00000000-0000-4000-8000-000000000000/step-tests`, { node: node("x", "transform", { output: 1 }) })).status).toBe(404);
    expect((await editor.put(`/workflows/${id}/samples/not-an-id`, { output: 1 })).status).toBe(404);
    expect(await engine.db.prisma.stepTest.count()).toBe(before);
    expect(await engine.db.prisma.stepSample.count({ where: { workflowId: id } })).toBe(0);
  });
});

describe("template previews", () => {
  it("evaluates each field against the sample, one failing without hiding the others", async () => {
    const id = await publish(editor, linear([{ id: "x", type: "transform", config: { output: 1 } }]), "Previews");
    const res = await editor.post(`/workflows/${id}/template-previews`, {
      fields: {
        url: { value: "https://api.example.com/orders/{{ input.order.id }}" },
        body: { value: { total: "{{ input.order.total * 2 }}", fixed: 1 } },
        broken: { value: "{{ $number('x') }}" },
        expression: { value: "input.order.total > 10", expression: true },
      },
      sample: { input: { order: { id: "A-1", total: 12 } } },
    });
    expect(res.status).toBe(200);
    expect(res.json.previews).toEqual({
      url: { value: "https://api.example.com/orders/A-1" },
      body: { value: { total: 24, fixed: 1 } },
      broken: { error: expect.stringContaining("$number('x')") },
      expression: { value: true },
    });
  });

  it("stops a hostile template at the expression limit and keeps answering", async () => {
    const id = await publish(editor, linear([{ id: "x", type: "transform", config: { output: 1 } }]), "Hostile preview");
    const res = await editor.post(`/workflows/${id}/template-previews`, { fields: { loop: { value: "{{ ($f := function($n) { $f($n + 1) }; $f(0)) }}" } } });
    expect(res.status).toBe(200);
    expect(res.json.previews.loop.error).toMatch(/limit|deep|long/);
    const after = await editor.post(`/workflows/${id}/template-previews`, { fields: { ok: { value: "{{ 1 + 1 }}" } } });
    expect(after.json.previews).toEqual({ ok: { value: 2 } });
    const viewer = await engine.as("viewer");
    expect((await viewer.post(`/workflows/${id}/template-previews`, { fields: { ok: { value: "{{ 1 }}" } } })).status).toBe(403);
  });
});
