// Retries with backoff, non-retryable failures, the dead-letter queue and requeueing, against a
// local HTTP server that fails on demand.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";

let engine: Engine;
let server: TestServer;
/** Calls to fail before succeeding, per path; the tests change it as they go. */
const failures = new Map<string, number>();

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine(), startTestServer()]);
  for (const path of ["/flaky", "/exhausting", "/bad-request", "/throttled"]) {
    server.on(path, (_req, n, res) => {
      if (path === "/bad-request") return json(res, 400, { error: "missing field" });
      if (path === "/throttled" && n === 1) return json(res, 429, { error: "slow down" }, { "retry-after": "1" });
      if (n <= (failures.get(path) ?? 0)) return json(res, 503, { error: `failure ${n}` });
      json(res, 200, { ok: true, call: n });
    });
  }
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

const retry = { maxAttempts: 4, initialDelayMs: 200, multiplier: 2, maxDelayMs: 10_000, jitter: "none" };
const callTo = (path: string, policy: Record<string, unknown> = retry) =>
  linear([{ id: "call", type: "http", config: { url: `${server.url}${path}` }, retry: policy }], { output: "{{ steps.call.output.body.call }}" });

it("retries a failing call with growing delays, recording every attempt, until it succeeds", async () => {
  failures.set("/flaky", 2);
  const editor = await engine.as("editor");
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, callTo("/flaky"))));
  expect(run.status).toBe("succeeded");
  expect(run.output).toBe(3);
  const call = stepOf(run, "call");
  expect(call.attempt).toBe(3);
  expect(call.attempts.map((a: { status: string }) => a.status)).toEqual(["failed", "failed", "succeeded"]);
  expect(call.attempts[0].error).toMatchObject({ code: "http_status", retryable: true, details: { status: 503 } });
  // Exponential backoff without jitter: 200 ms, then 400 ms; the server saw the gaps.
  expect(call.attempts.slice(0, 2).map((a: { retryDelayMs: number }) => a.retryDelayMs)).toEqual([200, 400]);
  const times = server.calls("/flaky").map((r) => r.at);
  expect(times[1] - times[0]).toBeGreaterThanOrEqual(200);
  expect(times[2] - times[1]).toBeGreaterThanOrEqual(400);
  // One stable Idempotency-Key across the attempts.
  expect(new Set(server.calls("/flaky").map((r) => r.headers["idempotency-key"]))).toEqual(new Set([`${run.id}:call`]));
  const events = (await editor.get(`/runs/${run.id}/events`)).json.events.map((e: { type: string }) => e.type);
  expect(events.filter((t: string) => t === "step.retry_scheduled")).toHaveLength(2);
});

it("does not retry a 400, and dead-letters the step", async () => {
  const editor = await engine.as("editor");
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, callTo("/bad-request"))));
  expect(run.status).toBe("failed");
  const call = stepOf(run, "call");
  expect(call).toMatchObject({ status: "failed", attempt: 1, error: { retryable: false, details: { status: 400 } } });
  expect(server.calls("/bad-request")).toHaveLength(1);
  const letters = (await editor.get("/dead-letters")).json.deadLetters.filter((d: { runId: string }) => d.runId === run.id);
  expect(letters).toHaveLength(1);
  expect(letters[0]).toMatchObject({ nodeId: "call", attempts: 1, resolvedAt: null });
  expect(stepOf(run, "end")).toBeUndefined();
});

it("honours Retry-After on a 429", async () => {
  const editor = await engine.as("editor");
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, callTo("/throttled", { ...retry, initialDelayMs: 1 }))));
  expect(run.status).toBe("succeeded");
  expect(stepOf(run, "call").attempts[0].retryDelayMs).toBe(1000);
});

it("fails the run and dead-letters the step when attempts run out; requeueing with a fixed server succeeds", async () => {
  failures.set("/exhausting", 100);
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const runId = await runWorkflow(editor, await publish(editor, callTo("/exhausting", { ...retry, maxAttempts: 3, initialDelayMs: 50 })));
  const failed = await waitForRun(editor, runId);
  expect(failed.status).toBe("failed");
  expect(failed.error).toMatchObject({ nodeId: "call" });
  expect(stepOf(failed, "call")).toMatchObject({ status: "failed", attempt: 3, maxAttempts: 3 });
  expect(server.calls("/exhausting")).toHaveLength(3);

  const letter = (await operator.get("/dead-letters")).json.deadLetters.find((d: { runId: string }) => d.runId === runId);
  expect(letter).toMatchObject({ nodeId: "call", attempts: 3, error: { code: "http_status" } });

  // A viewer may not requeue; the server is fixed; the operator requeues.
  expect((await (await engine.as("viewer")).post(`/dead-letters/${letter.id}/requeue`)).status).toBe(403);
  failures.set("/exhausting", 0);
  const requeued = await operator.post(`/dead-letters/${letter.id}/requeue`);
  expect(requeued.status).toBe(200);
  const done = await waitForRun(editor, runId);
  expect(done.status).toBe("succeeded");
  expect(done.error).toBeNull();
  expect(stepOf(done, "call")).toMatchObject({ status: "succeeded", attempt: 4, maxAttempts: 6 });

  const after = (await operator.get("/dead-letters?status=all")).json.deadLetters.find((d: { id: string }) => d.id === letter.id);
  expect(after).toMatchObject({ resolution: "requeued", resolvedBy: "user:operator@test.local" });
  expect((await operator.get("/dead-letters")).json.deadLetters.some((d: { id: string }) => d.id === letter.id)).toBe(false);
  expect((await operator.post(`/dead-letters/${letter.id}/requeue`)).status).toBe(409);
  const events = (await editor.get(`/runs/${runId}/events`)).json.events;
  expect(events.find((e: { type: string }) => e.type === "command.requeue_dead_letter").actor).toBe("user:operator@test.local");
  expect(events.map((e: { type: string }) => e.type)).toContain("run.reopened");
});

it("discards a dead letter, leaving the run failed", async () => {
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const runId = await runWorkflow(editor, await publish(editor, callTo("/bad-request")));
  await waitForRun(editor, runId);
  const letter = (await operator.get("/dead-letters")).json.deadLetters.find((d: { runId: string }) => d.runId === runId);
  expect((await operator.delete(`/dead-letters/${letter.id}`)).status).toBe(204);
  expect((await operator.delete(`/dead-letters/${letter.id}`)).status).toBe(409);
  expect((await editor.get(`/runs/${runId}`)).json.status).toBe("failed");
  const row = await engine.db.prisma.deadLetter.findUniqueOrThrow({ where: { id: letter.id } });
  expect(row).toMatchObject({ resolution: "discarded", resolvedBy: "user:operator@test.local" });
});

it("times out a step that takes too long, as a retryable failure", async () => {
  server.on("/hang", (_req, _n, res) => {
    const timer = setTimeout(() => json(res, 200, {}), 20_000);
    res.on("close", () => clearTimeout(timer));
  });
  const editor = await engine.as("editor");
  const id = await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/hang` }, timeoutMs: 300, retry: { maxAttempts: 2, initialDelayMs: 10, jitter: "none" } }]));
  const run = await waitForRun(editor, await runWorkflow(editor, id));
  expect(run.status).toBe("failed");
  const call = stepOf(run, "call");
  expect(call.attempts.map((a: { status: string }) => a.status)).toEqual(["timed_out", "timed_out"]);
  expect(call.error).toMatchObject({ code: "timeout", retryable: true });
});

it("fails a run that outlives its run timeout and cancels its open steps", async () => {
  const editor = await engine.as("editor");
  const id = await publish(editor, {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, config: { runTimeoutMs: 1000 } },
      { id: "pause", type: "delay", position: { x: 1, y: 0 }, config: { durationMs: 600_000 } },
    ],
    edges: [{ id: "e0", source: "start", target: "pause" }],
  });
  const run = await waitForRun(editor, await runWorkflow(editor, id), ["failed"], 30_000);
  expect(run.error).toMatchObject({ code: "run_timeout" });
  expect(stepOf(run, "pause")).toMatchObject({ status: "cancelled", reason: "run_timed_out" });
  expect(run.deadlineAt).not.toBeNull();
});
