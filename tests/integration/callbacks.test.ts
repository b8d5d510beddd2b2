// Result callbacks: when a run started with a callbackUrl ends, however it ends, Baton POSTs its
// result there, retrying with backoff until the receiver answers 2xx, and records the outcome.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
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
  server.on("/gone", (_req, _n, res) => json(res, 410, { unsubscribed: true }));
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

  it("sign each delivery as a Standard Webhook with the workflow's secret, verifiable with the reference library, through a rotation", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([{ id: "t", type: "transform", config: { output: { ok: true } } }], { output: "{{ steps.t.output }}" }));
    // Only editors read the secret, and reading it is audited.
    expect((await (await engine.as("viewer")).get(`/workflows/${workflowId}/signing-secret`)).status).toBe(403);
    const first = (await editor.get(`/workflows/${workflowId}/signing-secret`)).json.secret as string;
    expect(first).toMatch(/^whsec_/);
    const verified = async (path: string, secrets: string[]) => {
      const runId = await start(workflowId, { input: {}, callbackUrl: `${server.url}${path}` });
      const call = await waitFor(`the callback to ${path}`, () => server.calls(path).find((c) => JSON.parse(c.body).runId === runId), 15_000);
      expect(call.headers["webhook-id"]).toBe(call.headers["idempotency-key"]);
      for (const secret of secrets) expect(new Webhook(secret).verify(call.body, call.headers as Record<string, string>)).toMatchObject({ runId });
      return call;
    };
    await verified("/hook", [first]);
    // Rotated: deliveries carry both signatures until the grace ends, so either secret verifies.
    const rotated = await editor.post(`/workflows/${workflowId}/signing-secret`, { graceMs: 60_000 });
    expect(rotated.status).toBe(200);
    const second = rotated.json.secret as string;
    const call = await verified("/hook", [first, second]);
    expect(String(call.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    const forged = { ...call.headers, "webhook-signature": new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).sign(String(call.headers["webhook-id"]), new Date(), call.body) };
    expect(() => new Webhook(first).verify(call.body, forged as unknown as Record<string, string>)).toThrow();
    const audit = await engine.db.pool.query(`select action from audit_entries where target_id = $1 order by id`, [workflowId]);
    expect(audit.rows.map((r) => r.action)).toEqual(["workflow.signing_secret_revealed", "workflow.signing_secret_rotated"]);
    // The workflow as the API returns it holds no secret, sealed or not.
    const shown = (await editor.get(`/workflows/${workflowId}`)).json;
    expect(shown.signingSecrets).toBeUndefined();
    expect(shown.callbackSigning.previousSecretValidUntil).toBeTruthy();
  });

  it("stop delivering to a URL that answered 410 Gone, for later runs too", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([]));
    const first = await start(workflowId, { input: {}, callbackUrl: `${server.url}/gone?sub=1` });
    await waitFor("the 410", () => server.calls("/gone").length === 1, 15_000);
    await waitFor("the callback to be given up", async () => (await events(first)).some((e) => e.type === "callback.failed"), 10_000);
    expect((await editor.get(`/runs/${first}`)).json.callback).toMatchObject({ status: "failed", attempts: 1, lastError: expect.stringMatching(/410 Gone/) });
    const second = await start(workflowId, { input: {}, callbackUrl: `${server.url}/gone?sub=1` });
    await waitFor("the second run's callback to be given up", async () => (await events(second)).some((e) => e.type === "callback.failed"), 15_000);
    expect(server.calls("/gone")).toHaveLength(1);
    expect((await editor.get(`/runs/${second}`)).json.callback.lastError).toMatch(/no longer delivers/);
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
