// Result callbacks: when a run started with a callbackUrl ends, however it ends, Baton POSTs its
// result there, retrying with backoff until the receiver answers 2xx, and records the outcome.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linear, publish, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
let server: TestServer;

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine(), startTestServer()]);
  server.on("/hook", (_req, _n, res) => json(res, 200, { thanks: true }));
  server.on("/marker", (_req, _n, res) => json(res, 204, {}));
  // Fails twice, then takes it.
  server.on("/flaky-hook", (_req, n, res) => json(res, n <= 2 ? 500 : 204, {}));
  server.on("/broken", (_req, _n, res) => json(res, 500, { broken: true }));
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

const start = async (workflowId: string, body: Record<string, unknown>) => {
  const res = await (await engine.as("editor")).post(`/workflows/${workflowId}/runs`, body);
  expect(res.status, res.text).toBe(202);
  return res.json.id as string;
};
const events = async (runId: string) => (await (await engine.as("viewer")).get(`/runs/${runId}/events`)).json.events as { type: string; actor: string; data: Record<string, unknown> }[];

describe("result callbacks", () => {
  it("POST the result of a run that succeeds, once, and record the delivery", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([{ id: "t", type: "transform", config: { output: { total: 42 } } }], { output: "{{ steps.t.output }}" }));
    const runId = await start(workflowId, { input: {}, callbackUrl: `${server.url}/hook?token=secret`, correlationId: "order-7" });
    await waitForRun(editor, runId, ["succeeded"]);
    const [call] = await waitFor("the callback", () => (server.calls("/hook").length ? server.calls("/hook") : undefined), 15_000);
    expect(call.method).toBe("POST");
    expect(call.url).toBe("/hook?token=secret");
    expect(call.headers["idempotency-key"]).toMatch(/^baton-callback-\d+$/);
    expect(JSON.parse(call.body)).toMatchObject({ runId, workflowId, status: "succeeded", output: { total: 42 }, correlationId: "order-7", statusUrl: `/api/v1/runs/${runId}` });
    await waitFor("the delivery to be recorded", async () => (await events(runId)).some((e) => e.type === "callback.delivered"), 10_000);
    const run = (await editor.get(`/runs/${runId}`)).json;
    expect(run.callback).toMatchObject({ host: new URL(server.url).host, status: "delivered", attempts: 1, lastError: null });
    // The host only, in the audit trail and the API: the URL's secret stays in the database.
    expect(JSON.stringify(await events(runId))).not.toContain("secret");
    // Once: a run that ends later has its callback delivered too, so the deliveries went past this
    // run's, which has one callback, delivered, and one call.
    const later = await start(workflowId, { input: {}, callbackUrl: `${server.url}/marker` });
    await waitForRun(editor, later, ["succeeded"]);
    await waitFor("the later run's delivery to be recorded", async () => (await events(later)).some((e) => e.type === "callback.delivered"), 15_000);
    const { rows } = await engine.db.pool.query(`select status from run_callbacks where run_id = $1`, [runId]);
    expect(rows).toEqual([{ status: "delivered" }]);
    expect(server.calls("/hook")).toHaveLength(1);
  });

  it("retry a failing receiver with backoff until it answers 2xx, for a run that fails too", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/broken` }, retry: { maxAttempts: 1 } }]));
    const runId = await start(workflowId, { input: {}, callbackUrl: `${server.url}/flaky-hook` });
    await waitForRun(editor, runId, ["failed"]);
    await waitFor("three deliveries", () => server.calls("/flaky-hook").length === 3, 30_000);
    expect(JSON.parse(server.calls("/flaky-hook")[2].body)).toMatchObject({ runId, status: "failed", error: { nodeId: "call" } });
    // The same delivery each time, so the receiver can tell repeats apart.
    expect(new Set(server.calls("/flaky-hook").map((c) => c.headers["idempotency-key"])).size).toBe(1);
    await waitFor("the delivery to be recorded", async () => (await events(runId)).find((e) => e.type === "callback.delivered")?.data.attempt === 3, 10_000);
    const run = (await editor.get(`/runs/${runId}`)).json;
    expect(run.callback).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("refuses a callback URL that is not http(s), naming the field, and starts nothing", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([]));
    for (const callbackUrl of ["ftp://example.com/x", "not a url"]) {
      const res = await editor.post(`/workflows/${workflowId}/runs`, { input: {}, callbackUrl });
      expect(res.status).toBe(422);
      expect(res.json.errors[0].path).toBe("callbackUrl");
    }
    expect((await editor.get(`/runs?workflowId=${workflowId}`)).json.runs).toEqual([]);
  });
});
