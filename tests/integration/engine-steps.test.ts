// Every step type, templates, branches, parallel paths and joins, delays, run input checks and
// idempotent starts, run by real worker processes on real pg-boss.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";

let engine: Engine;
let server: TestServer;

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine(), startTestServer()]);
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

describe("step types and templates", () => {
  it("runs transform, http and end, passing outputs along with templates", async () => {
    server.on("/echo", (req, _n, res) => json(res, 200, { got: JSON.parse(req.body), key: req.headers["idempotency-key"] }));
    const editor = await engine.as("editor");
    const id = await publish(
      editor,
      linear(
        [
          { id: "double", type: "transform", config: { output: { n: "{{ input.n * 2 }}", label: "n is {{ input.n }}", list: ["{{ input.n }}", "x"] } } },
          { id: "call", type: "http", config: { method: "POST", url: `${server.url}/echo`, body: { value: "{{ steps.double.output.n }}" } } },
        ],
        { output: { sum: "{{ steps.call.output.body.got.value + 1 }}", status: "{{ steps.call.output.status }}", label: "{{ steps.double.output.label }}" } },
      ),
    );
    const runId = await runWorkflow(editor, id, { n: 21 });
    const run = await waitForRun(editor, runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual({ sum: 43, status: 200, label: "n is 21" });
    expect(stepOf(run, "double").output).toEqual({ n: 42, label: "n is 21", list: [21, "x"] });
    expect(stepOf(run, "call").input).toMatchObject({ method: "POST", body: { value: 42 } });
    // The step's stable key reaches the server as Idempotency-Key.
    expect(stepOf(run, "call").output.body.key).toBe(`${runId}:call`);
    expect(run.steps.map((s: { status: string }) => s.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
  });

  it("takes the branch a condition chooses and skips the other, up to the join", async () => {
    const editor = await engine.as("editor");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          { id: "big", type: "condition", config: { expression: "input.amount > 100" } },
          { id: "review", type: "transform", config: { output: "review" } },
          { id: "review_more", type: "transform", config: { output: "deeper review" } },
          { id: "auto", type: "transform", config: { output: "auto" } },
          { id: "join", type: "transform", config: { output: "{{ [steps.review_more.output, steps.auto.output] }}" } },
          { id: "end", type: "end", config: { output: "{{ steps.join.output }}" } },
        ],
        [
          ["start", "big"],
          ["big", "review", "true"],
          ["review", "review_more"],
          ["big", "auto", "false"],
          ["review_more", "join"],
          ["auto", "join"],
          ["join", "end"],
        ],
      ),
    );
    const small = await waitForRun(editor, await runWorkflow(editor, id, { amount: 5 }));
    expect(small.status).toBe("succeeded");
    expect(stepOf(small, "big")).toMatchObject({ status: "succeeded", branch: "false", output: { result: false } });
    expect(stepOf(small, "review")).toMatchObject({ status: "skipped", reason: "branch" });
    // The skip flows on to the whole untaken branch, and the join still runs.
    expect(stepOf(small, "review_more")).toMatchObject({ status: "skipped", reason: "branch" });
    expect(stepOf(small, "auto").status).toBe("succeeded");
    expect(small.output).toEqual(["auto"]);

    const big = await waitForRun(editor, await runWorkflow(editor, id, { amount: 500 }));
    expect(stepOf(big, "auto").status).toBe("skipped");
    expect(big.output).toEqual(["deeper review"]);
  });

  it("runs parallel branches and joins them only when all have finished", async () => {
    server.on("/slow", async (_r, _n, res) => {
      await new Promise((r) => setTimeout(r, 400));
      json(res, 200, { slow: true });
    });
    const editor = await engine.as("editor");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          { id: "a", type: "transform", config: { output: "a" } },
          { id: "b", type: "http", config: { url: `${server.url}/slow` } },
          { id: "c", type: "transform", config: { output: "c" } },
          { id: "join", type: "end", config: { output: { a: "{{ steps.a.output }}", b: "{{ steps.b.output.body.slow }}", c: "{{ steps.c.output }}" } } },
        ],
        [
          ["start", "a"],
          ["start", "b"],
          ["start", "c"],
          ["a", "join"],
          ["b", "join"],
          ["c", "join"],
        ],
      ),
    );
    const run = await waitForRun(editor, await runWorkflow(editor, id));
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual({ a: "a", b: true, c: "c" });
    const join = stepOf(run, "join");
    expect(new Date(join.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(stepOf(run, "b").finishedAt).getTime());
    expect(join.attempts).toHaveLength(1);
  });

  it("waits in the queue for a delay, with the run waiting and no attempt running", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "pause", type: "delay", config: { durationMs: 1500 } }], { output: "{{ steps.pause.output.until }}" }));
    const runId = await runWorkflow(editor, id);
    const waiting = await waitForRun(editor, runId, ["waiting"]);
    expect(stepOf(waiting, "pause")).toMatchObject({ status: "waiting" });
    expect(stepOf(waiting, "pause").attempts[0].status).toBe("waiting");
    const { rows } = await engine.db.pool.query(`select count(*)::int as n from step_runs where run_id = $1 and status = 'running'`, [runId]);
    expect(rows[0].n).toBe(0);
    const done = await waitForRun(editor, runId);
    expect(done.status).toBe("succeeded");
    expect(new Date(stepOf(done, "pause").finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.output).getTime());
  });

  it("skips a delay whose time has passed", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "pause", type: "delay", config: { until: "2000-01-01T00:00:00Z" } }]));
    const run = await waitForRun(editor, await runWorkflow(editor, id));
    expect(run.status).toBe("succeeded");
    expect(stepOf(run, "pause").output).toEqual({ until: "2000-01-01T00:00:00.000Z" });
  });

  it("fails a step whose template cannot be evaluated, without retrying", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "bad", type: "transform", config: { output: "{{ $number('x') }}" } }]));
    const run = await waitForRun(editor, await runWorkflow(editor, id));
    expect(run.status).toBe("failed");
    expect(stepOf(run, "bad")).toMatchObject({ status: "failed", attempt: 1, error: { retryable: false, code: "template" } });
    expect(run.error).toMatchObject({ nodeId: "bad" });
  });
  it("fails only the step whose result the database refuses, while runs finishing with it succeed", async () => {
    // A NUL character is valid JSON but not valid jsonb: Postgres refuses the whole statement.
    server.on("/nul", (_req, _n, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"text":"a\\u0000b"}');
    });
    const editor = await engine.as("editor");
    const bad = await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/nul` }, retry: { maxAttempts: 3 } }]), "refused result");
    const good = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }, { id: "b", type: "transform", config: { output: 2 } }]), "ordinary");
    const badRun = await runWorkflow(editor, bad);
    const goodRuns = await Promise.all(Array.from({ length: 10 }, () => runWorkflow(editor, good)));
    const failed = await waitForRun(editor, badRun);
    expect(failed.status).toBe("failed");
    expect(stepOf(failed, "call")).toMatchObject({ status: "failed", attempt: 1, error: { code: "result_rejected" } });
    expect(stepOf(failed, "call").error.message).toMatch(/could not be recorded/);
    for (const id of goodRuns) expect((await waitForRun(editor, id)).status).toBe("succeeded");
  });
});

describe("starting runs", () => {
  const schemaDefinition = () =>
    definition(
      [
        { id: "start", type: "start", config: { inputSchema: { type: "object", required: ["email"], properties: { email: { type: "string", format: "email" }, age: { type: "integer" } } } } },
        { id: "end", type: "end", config: { output: "{{ input.email }}" } },
      ],
      [["start", "end"]],
    );

  it("checks the input against the start node's schema (422 naming the field) and stores nothing", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, schemaDefinition());
    const before = await engine.db.prisma.run.count();
    const res = await editor.post(`/workflows/${id}/runs`, { input: { email: "not-an-email", age: 1.5 } });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(["input.age", "input.email"]);
    const missing = await editor.post(`/workflows/${id}/runs`, { input: {} });
    expect(missing.json.errors).toEqual([{ path: "input.email", message: "Add input.email: the workflow's input schema requires it." }]);
    expect(await engine.db.prisma.run.count()).toBe(before);
  });

  it("answers 200 with the finished run when asked to wait", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, schemaDefinition());
    const res = await editor.post(`/workflows/${id}/runs?wait=20`, { input: { email: "a@b.co" } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "succeeded", output: "a@b.co" });
    expect(res.json.steps).toHaveLength(2);
  });

  it("refuses an unknown version (422), an unpublished workflow (409) and a bad wait (400)", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, schemaDefinition());
    const version = await editor.post(`/workflows/${id}/runs`, { input: { email: "a@b.co" }, version: 9 });
    expect(version.status).toBe(422);
    expect(version.json.errors).toEqual([{ path: "version", message: "no version 9" }]);
    const draftOnly = await editor.post("/workflows", { name: "draft only" });
    expect((await editor.post(`/workflows/${draftOnly.json.id}/runs`, { input: {} })).status).toBe(409);
    expect((await editor.post(`/workflows/${id}/runs?wait=99`, { input: {} })).status).toBe(400);
    expect((await editor.post(`/workflows/00000000-0000-4000-8000-000000000000/runs`, { input: {} })).status).toBe(404);
  });

  it("starts one run for one Idempotency-Key, even for parallel requests", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, schemaDefinition());
    const headers = { "idempotency-key": "order-42" };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => editor.post(`/workflows/${id}/runs`, { input: { email: "x@y.co" } }, { headers })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    expect(await engine.db.prisma.run.count({ where: { idempotencyKey: "order-42" } })).toBe(1);

    const different = await editor.post(`/workflows/${id}/runs`, { input: { email: "other@y.co" } }, { headers });
    expect(different.status).toBe(422);
    expect(different.json.detail).toContain("different request");
    expect(await engine.db.prisma.run.count({ where: { idempotencyKey: "order-42" } })).toBe(1);
  });

  it("records the run's history in order, with actors", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "t", type: "transform", config: { output: 1 } }]));
    const runId = await runWorkflow(editor, id);
    await waitForRun(editor, runId);
    const { json: page } = await editor.get(`/runs/${runId}/events`);
    const types = page.events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe("run.created");
    expect(types.at(-1)).toBe("run.succeeded");
    expect(types).toEqual(expect.arrayContaining(["step.queued", "step.succeeded", "run.started"]));
    expect(page.events[0].actor).toBe("user:editor@test.local");
    const transform = page.events.find((e: { type: string; nodeId: string }) => e.type === "step.succeeded" && e.nodeId === "t");
    expect(transform.actor).toMatch(/^worker:/);
    // A pure step's start is recorded in its success event.
    expect(transform.data).toMatchObject({ attempt: 1, startedAt: expect.any(String), workerId: expect.any(String) });
    const ids = page.events.map((e: { id: string }) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    const second = await editor.get(`/runs/${runId}/events?after=${page.events[2].id}&limit=2`);
    expect(second.json.events.map((e: { id: string }) => e.id)).toEqual(page.events.slice(3, 5).map((e: { id: string }) => e.id));
  });

  it("lists runs newest first with cursor pagination and filters", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([]));
    const started = [];
    for (let i = 0; i < 5; i++) started.push(await runWorkflow(editor, id));
    const first = await editor.get(`/runs?workflowId=${id}&limit=3`);
    expect(first.json.runs.map((r: { id: string }) => r.id)).toEqual(started.slice(2).reverse());
    const second = await editor.get(`/runs?workflowId=${id}&limit=3&cursor=${first.json.nextCursor}`);
    expect(second.json.runs.map((r: { id: string }) => r.id)).toEqual(started.slice(0, 2).reverse());
    expect(second.json.nextCursor).toBeNull();
    expect((await editor.get(`/runs?status=nonsense`)).status).toBe(400);
    expect((await editor.get(`/runs?cursor=garbage`)).status).toBe(400);
  });
});
