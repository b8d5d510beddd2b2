// Webhook triggers over real HTTP: Standard Webhooks signatures made with the specification's
// reference library, Stripe's and GitHub's schemes against their documented examples, a URL token;
// every way to forge or replay a delivery, oversized and invalid bodies, redelivery, rotation
// grace, sync answers, and the delivery log.
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linear, publish, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";

let engine: Engine;
let workflowId: string;

beforeAll(async () => {
  engine = await startEngine();
  const editor = await engine.as("editor");
  workflowId = await publish(editor, linear([{ id: "t", type: "transform", config: { output: { got: "{{ input }}" } } }], { output: "{{ steps.t.output }}" }), "Order hooks");
}, 120_000);
afterAll(async () => {
  await engine?.stop();
});

async function addHook(body: Record<string, unknown> = {}) {
  const res = await (await engine.as("editor")).post(`/workflows/${workflowId}/triggers`, { kind: "webhook", name: "orders", ...body });
  expect(res.status, res.text).toBe(201);
  expect(res.json.secret).toBeDefined();
  return res.json as { id: string; url: string; secret: string };
}

/** POSTs a raw body to the hook's URL, as a sender would (no session, no API token). */
const deliver = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${engine.web.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

function signed(secret: string, body: string, id = `msg_${Math.random().toString(36).slice(2)}`, at = new Date()) {
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, at, body) };
}

const runCount = async (triggerId: string) => Number((await engine.db.pool.query(`select count(*) from runs where trigger_id = $1`, [triggerId])).rows[0].count);

describe("webhook triggers (Standard Webhooks)", () => {
  it("start a run for a signed delivery, with the body as input, and record which trigger started it", async () => {
    const hook = await addHook();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const body = JSON.stringify({ orderId: "A-1", total: 30 });
    const res = await deliver(hook.url, body, signed(hook.secret, body));
    expect(res.status).toBe(202);
    const answer = await res.json();
    const run = await waitForRun(await engine.as("viewer"), answer.id);
    expect(run).toMatchObject({ status: "succeeded", input: { orderId: "A-1", total: 30 }, trigger: { id: hook.id, kind: "webhook", name: "orders" } });
    // The secret is shown once: never in the trigger as listed or read.
    const listed = await (await engine.as("viewer")).get(`/triggers/${hook.id}`);
    expect(listed.text).not.toContain(hook.secret);
    expect(listed.json.deliveries[0]).toMatchObject({ status: 202, runId: answer.id });
  });

  it("refuse a wrong signature, a stale or future timestamp, a tampered body and missing headers with 401, starting nothing", async () => {
    const hook = await addHook();
    const body = JSON.stringify({ orderId: "A-2" });
    const other = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const cases: [string, Record<string, string>, string, RegExp][] = [
      ["another secret", signed(other, body), body, /no matching signature/],
      ["six minutes old", signed(hook.secret, body, "msg_old", new Date(Date.now() - 6 * 60_000)), body, /too old/],
      ["six minutes ahead", signed(hook.secret, body, "msg_new", new Date(Date.now() + 6 * 60_000)), body, /too new/],
      ["a tampered body", signed(hook.secret, body), JSON.stringify({ orderId: "A-2", total: 1e9 }), /no matching signature/],
      ["no headers", {}, body, /missing required headers/],
    ];
    for (const [what, headers, sent, message] of cases) {
      const res = await deliver(hook.url, sent, headers);
      expect(res.status, what).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await res.json()).detail, what).toMatch(message);
    }
    expect(await runCount(hook.id)).toBe(0);
    const deliveries = (await (await engine.as("viewer")).get(`/triggers/${hook.id}`)).json.deliveries;
    expect(deliveries.map((d: { status: number }) => d.status)).toEqual([401, 401, 401, 401, 401]);
  });

  it("start one run for a redelivered webhook-id, answering with the same run", async () => {
    const hook = await addHook();
    const body = JSON.stringify({ orderId: "A-3" });
    const headers = signed(hook.secret, body, "msg_once");
    const first = await (await deliver(hook.url, body, headers)).json();
    const again = await deliver(hook.url, body, signed(hook.secret, body, "msg_once"));
    expect(again.status).toBe(202);
    expect(again.headers.get("webhook-replayed")).toBe("true");
    expect((await again.json()).id).toBe(first.id);
    expect(await runCount(hook.id)).toBe(1);
  });

  it("refuse a body over the limit (413) and one that fails the schema (422 naming the field)", async () => {
    const hook = await addHook({ config: { maxBodyBytes: 1024, schema: { type: "object", required: ["orderId"], properties: { orderId: { type: "string" }, total: { type: "number" } } } } });
    const big = JSON.stringify({ orderId: "x".repeat(2000) });
    expect((await deliver(hook.url, big, signed(hook.secret, big))).status).toBe(413);
    const wrong = JSON.stringify({ total: "thirty" });
    const res = await deliver(hook.url, wrong, signed(hook.secret, wrong));
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.orderId", "body.total"]);
    expect(await runCount(hook.id)).toBe(0);
    // A schema that is not JSON Schema is refused when saved.
    const bad = await (await engine.as("editor")).post(`/workflows/${workflowId}/triggers`, { kind: "webhook", name: "bad", config: { schema: { type: "nonsense" } } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0].path).toBe("config.schema");
  });

  it("keep the previous secret valid through its grace after rotation, and not after", async () => {
    const hook = await addHook();
    const editor = await engine.as("editor");
    const rotated = await editor.post(`/triggers/${hook.id}/rotate-secret`, { graceMs: 60_000 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.json.secret as string;
    expect(fresh).not.toBe(hook.secret);
    expect(rotated.json.previousSecretValidUntil).toBeTruthy();
    const body = JSON.stringify({ orderId: "A-4" });
    for (const secret of [hook.secret, fresh]) expect((await deliver(hook.url, body, signed(secret, body))).status).toBe(202);
    // A sender signing with both during the switch: a space-separated list.
    const both = { ...signed(fresh, body, "msg_both"), "webhook-signature": `${signed(hook.secret, body, "msg_both")["webhook-signature"]} ${signed(fresh, body, "msg_both")["webhook-signature"]}` };
    expect((await deliver(hook.url, body, both)).status).toBe(202);
    // The grace ends.
    await engine.db.pool.query(
      `update triggers set secrets = (select jsonb_agg(case when s ? 'expiresAt' then jsonb_set(s, '{expiresAt}', to_jsonb('2000-01-01T00:00:00Z'::text)) else s end) from jsonb_array_elements(secrets) s) where id = $1`,
      [hook.id],
    );
    expect((await deliver(hook.url, body, signed(hook.secret, body))).status).toBe(401);
    expect((await deliver(hook.url, body, signed(fresh, body))).status).toBe(202);
    // A viewer cannot rotate.
    expect((await (await engine.as("viewer")).post(`/triggers/${hook.id}/rotate-secret`, {})).status).toBe(403);
  });

  it("answer with the run's output in sync mode", async () => {
    const hook = await addHook({ config: { response: "sync", syncTimeoutMs: 10_000 }, input: { order: "{{ body.orderId }}", via: "{{ trigger.kind }}" } });
    const body = JSON.stringify({ orderId: "A-5" });
    const res = await deliver(hook.url, body, signed(hook.secret, body));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "succeeded", output: { got: { order: "A-5", via: "webhook" } } });
  });

  it("refuse deliveries to a paused trigger (409) and an unknown one (404)", async () => {
    const hook = await addHook({ paused: true });
    const body = "{}";
    expect((await deliver(hook.url, body, signed(hook.secret, body))).status).toBe(409);
    expect((await deliver(`/api/v1/hooks/${crypto.randomUUID()}`, body, signed(hook.secret, body))).status).toBe(404);
    expect(await runCount(hook.id)).toBe(0);
  });
});

describe("webhook presets", () => {
  it("verify Stripe's scheme (Stripe-Signature: t=…,v1=HMAC-SHA256 of 't.body') with the secret Stripe gave", async () => {
    const stripeSecret = "whsec_test_2f1d8c0b7e9a4c3f8d6e5b4a3c2d1e0f";
    const hook = await addHook({ config: { verification: "stripe" }, secret: stripeSecret });
    expect(hook.secret).toBe(stripeSecret);
    const body = JSON.stringify({ id: "evt_1NG8Du2eZvKYlo2CUI79vXWy", type: "payment_intent.succeeded", data: { object: { amount: 2000 } } });
    const t = Math.floor(Date.now() / 1000);
    // As Stripe documents it: the signed payload is `${t}.${body}`, HMAC-SHA256 with the endpoint secret, hex.
    const v1 = createHmac("sha256", stripeSecret).update(`${t}.${body}`).digest("hex");
    const ok = await deliver(hook.url, body, { "stripe-signature": `t=${t},v1=${v1},v0=ignored` });
    expect(ok.status).toBe(202);
    // The event id deduplicates a redelivery.
    const again = await deliver(hook.url, body, { "stripe-signature": `t=${t},v1=${v1}` });
    expect(again.headers.get("webhook-replayed")).toBe("true");
    expect((await deliver(hook.url, body, { "stripe-signature": `t=${t - 400},v1=${createHmac("sha256", stripeSecret).update(`${t - 400}.${body}`).digest("hex")}` })).status).toBe(401);
    expect((await deliver(hook.url, body, { "stripe-signature": `t=${t},v1=${"0".repeat(64)}` })).status).toBe(401);
    expect(await runCount(hook.id)).toBe(1);
  });

  it("verify GitHub's scheme against GitHub's documented example", async () => {
    // docs.github.com, "Validating webhook deliveries": this secret and payload give this signature.
    const hook = await addHook({ config: { verification: "github" }, secret: "It's a Secret to Everybody" });
    const res = await deliver(hook.url, "Hello, World!", {
      "content-type": "text/plain",
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    });
    expect(res.status).toBe(202);
    const run = await waitForRun(await engine.as("viewer"), (await res.json()).id);
    expect(run.input).toBe("Hello, World!");
    expect((await deliver(hook.url, "Hello, World?", { "content-type": "text/plain", "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" })).status).toBe(401);
  });

  it("accept a secret URL token for senders that cannot sign, and keep the token out of the logs", async () => {
    const hook = await addHook({ config: { verification: "token" } });
    expect((await deliver(`${hook.url}/${encodeURIComponent(hook.secret)}`, "{}")).status).toBe(202);
    expect((await deliver(`${hook.url}/wrong-token-123456`, "{}")).status).toBe(401);
    expect((await deliver(hook.url, "{}")).status).toBe(401);
    expect(engine.web.output()).not.toContain(hook.secret);
    expect(engine.web.output()).not.toContain(encodeURIComponent(hook.secret));
  });
});
