// Typed business events against real workers: the registry (names, schema versions, breaking
// changes refused), publishing (checked against the schema with field paths, stored once per id,
// the log append-only), event triggers with a filter, Wait-for-event (resumed by the matching
// event only, timing out, looking back) and Emit-event (retried after a crash, it emits once).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;

const orderSchema = { type: "object", required: ["orderId", "total"], properties: { orderId: { type: "string" }, total: { type: "number" } } };

beforeAll(async () => {
  engine = await startEngine();
  const editor = await engine.as("editor");
  expect((await editor.post("/event-types", { name: "OrderCompleted", description: "An order was paid and confirmed.", schema: orderSchema })).status).toBe(201);
  expect((await editor.post("/event-types", { name: "PaymentFailed", schema: { type: "object", properties: { orderId: { type: "string" } } } })).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await engine?.stop();
});

const emit = async (body: Record<string, unknown>) => (await engine.as("operator")).post("/events", body);
const runsOf = async (workflowId: string) => (await engine.db.pool.query(`select id, input, trigger_id from runs where workflow_id = $1 order by created_at`, [workflowId])).rows;

describe("the event type registry", () => {
  it("names types in PascalCase past tense, and says why not", async () => {
    const editor = await engine.as("editor");
    for (const [name, message] of [
      ["orderCompleted", /PascalCase/],
      ["OrderComplete", /past tense/],
      ["Order_Completed", /PascalCase/],
    ] as const) {
      const res = await editor.post("/event-types", { name, schema: {} });
      expect(res.status).toBe(422);
      expect(res.json.errors[0]).toMatchObject({ path: "name", message: expect.stringMatching(message) });
    }
    expect((await editor.post("/event-types", { name: "InvoiceSent", schema: {} })).status).toBe(201);
    expect((await editor.post("/event-types", { name: "InvoiceSent", schema: {} })).status).toBe(409);
    expect((await (await engine.as("viewer")).post("/event-types", { name: "RefundIssued", schema: {} })).status).toBe(403);
  });

  it("versions a schema: compatible changes are minors, a breaking one needs a new major", async () => {
    const editor = await engine.as("editor");
    await editor.post("/event-types", { name: "ShipmentDispatched", schema: orderSchema });
    const optional = await editor.post("/event-types/ShipmentDispatched/versions", { schema: { ...orderSchema, properties: { ...orderSchema.properties, carrier: { type: "string" } } }, note: "carrier" });
    expect(optional.json).toMatchObject({ version: "1.1", breaking: [] });
    const breaking = await editor.post("/event-types/ShipmentDispatched/versions", { schema: { type: "object", required: ["orderId", "total", "carrier"], properties: { orderId: { type: "integer" }, total: { type: "number" }, carrier: { type: "string" } } } });
    expect(breaking.status).toBe(422);
    expect(breaking.json.errors.map((e: { message: string }) => e.message)).toEqual(["data.orderId: type string narrowed to integer", "data.carrier: now required"]);
    const major = await editor.post("/event-types/ShipmentDispatched/versions", { schema: { type: "object", required: ["orderId"], properties: { orderId: { type: "string" } } }, major: true, note: "total moved out" });
    expect(major.json).toMatchObject({ version: "2.0", breaking: ["data.total: removed", "data.carrier: removed"] });
    const listed = (await (await engine.as("viewer")).get("/event-types")).json.eventTypes.find((t: { name: string }) => t.name === "ShipmentDispatched");
    expect(listed.versions.map((v: { version: string }) => v.version)).toEqual(["2.0", "1.1", "1.0"]);
  });
});

describe("publishing events", () => {
  it("checks data against the type's schema, naming the fields, and refuses unknown types", async () => {
    const bad = await emit({ type: "OrderCompleted", id: "o-bad", data: { orderId: 7 } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(["data.orderId", "data.total"]);
    const unknown = await emit({ type: "OrderVanished", id: "x", data: {} });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors[0].path).toBe("type");
    expect((await (await engine.as("viewer")).post("/events", { type: "OrderCompleted", id: "v", data: { orderId: "v", total: 1 } })).status).toBe(403);
    const { rows } = await engine.db.pool.query(`select count(*)::int as n from events where event_id in ('o-bad', 'x', 'v')`);
    expect(rows[0].n).toBe(0);
  });

  it("stores and delivers an event once per (type, id), and keeps the log append-only", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([]), "Count orders");
    const trigger = await editor.post(`/workflows/${workflowId}/triggers`, { kind: "event", name: "every order", config: { eventType: "OrderCompleted" } });
    expect(trigger.status, trigger.text).toBe(201);
    const first = await emit({ type: "OrderCompleted", id: "o-1", data: { orderId: "o-1", total: 10 }, correlationId: "cart-1" });
    expect(first.status).toBe(201);
    const again = await emit({ type: "OrderCompleted", id: "o-1", data: { total: 10, orderId: "o-1" }, correlationId: "cart-1" });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ seq: first.json.seq, duplicate: true });
    expect((await emit({ type: "OrderCompleted", id: "o-1", data: { orderId: "o-1", total: 99 } })).status).toBe(409);
    await waitFor("the run", async () => ((await runsOf(workflowId)).length === 1 ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await runsOf(workflowId)).toHaveLength(1);
    const event = (await (await engine.as("viewer")).get(`/events/${first.json.seq}`)).json;
    expect(event).toMatchObject({ type: "OrderCompleted", id: "o-1", correlationId: "cart-1", delivered: true, causes: [{ kind: "trigger", triggerName: "every order" }] });
    await expect(engine.db.pool.query(`update events set data = '{}' where seq = $1`, [first.json.seq])).rejects.toThrow(/append-only/);
    await expect(engine.db.pool.query(`delete from events where seq = $1`, [first.json.seq])).rejects.toThrow(/append-only/);
    const found = (await (await engine.as("viewer")).get(`/events?correlationId=cart-1`)).json.events;
    expect(found.map((e: { id: string }) => e.id)).toEqual(["o-1"]);
    await editor.patch(`/triggers/${trigger.json.id}`, { paused: true });
  });

  it("starts a workflow from an event trigger only for events its filter accepts, with the event's data as input", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([{ id: "t", type: "transform", config: { output: "{{ input }}" } }]), "Big orders");
    const bad = await editor.post(`/workflows/${workflowId}/triggers`, { kind: "event", name: "bad", config: { eventType: "NothingHappened" } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0].path).toBe("config.eventType");
    const trigger = (await editor.post(`/workflows/${workflowId}/triggers`, { kind: "event", name: "over 100", config: { eventType: "OrderCompleted", filter: "event.data.total > 100" } })).json;
    // A trigger that cannot start its run (nothing published) does not hold up the others.
    const draftOnly = (await editor.post("/workflows", { name: "Not published", definition: linear([]) })).json.id;
    const stuck = (await editor.post(`/workflows/${draftOnly}/triggers`, { kind: "event", name: "draft only", config: { eventType: "OrderCompleted", filter: "event.data.total > 100" } })).json;
    await emit({ type: "OrderCompleted", id: "small-1", data: { orderId: "small-1", total: 50 } });
    const big = await emit({ type: "OrderCompleted", id: "big-1", data: { orderId: "big-1", total: 150 } });
    const [run] = await waitFor("the big order's run", async () => {
      const runs = await runsOf(workflowId);
      return runs.length ? runs : undefined;
    }, 15_000);
    expect(run).toMatchObject({ input: { orderId: "big-1", total: 150 }, trigger_id: trigger.id });
    await waitFor("the small order to be delivered", async () => ((await engine.db.pool.query(`select 1 from event_outbox`)).rowCount === 0 ? true : undefined), 15_000);
    expect(await runsOf(workflowId)).toHaveLength(1);
    const causes = (await (await engine.as("viewer")).get(`/events/${big.json.seq}`)).json.causes;
    expect(causes).toHaveLength(2);
    expect(causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "trigger", runId: run.id, workflowName: "Big orders", error: null }),
        expect.objectContaining({ kind: "trigger", runId: null, triggerName: "draft only", workflowName: "Not published", error: expect.stringMatching(/no published version/) }),
      ]),
    );
    await editor.patch(`/triggers/${trigger.id}`, { paused: true });
    await editor.patch(`/triggers/${stuck.id}`, { paused: true });
  });
});

describe("Wait-for-event and Emit-event steps", () => {
  const waiting = (config: Record<string, unknown>) =>
    definition(
      [
        { id: "start", type: "start" },
        { id: "wait", type: "wait_for_event", config: { eventType: "PaymentFailed", path: "data.orderId", value: "{{ input.orderId }}", ...config } },
        { id: "done", type: "end", config: { output: "{{ steps.wait.output }}" } },
        { id: "late", type: "end", config: { output: { late: true } } },
      ],
      [
        ["start", "wait"],
        ["wait", "done", "default"],
        ["wait", "late", "timeout"],
      ],
    );

  it("resume on the event whose field matches the run's value, and on no other", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, waiting({ timeout: "1h" }), "Wait for payment");
    const runId = await runWorkflow(editor, workflowId, { orderId: "A-1" });
    await waitForStep(editor, runId, "wait", ["waiting"]);
    await emit({ type: "PaymentFailed", id: "pf-B", data: { orderId: "B-9" } });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await editor.get(`/runs/${runId}`)).json.status).toBe("waiting");
    const matching = await emit({ type: "PaymentFailed", id: "pf-A", data: { orderId: "A-1" } });
    const run = await waitForRun(editor, runId, ["succeeded"], 15_000);
    expect(run.output.event).toMatchObject({ type: "PaymentFailed", id: "pf-A", data: { orderId: "A-1" } });
    expect((await editor.get(`/events/${matching.json.seq}`)).json.causes).toEqual([expect.objectContaining({ kind: "wait", runId, nodeId: "wait" })]);
    expect((await engine.db.pool.query(`select count(*)::int as n from event_waits where run_id = $1`, [runId])).rows[0].n).toBe(0);
  });

  it("take the timeout port when no event comes in time", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, waiting({ timeout: "2s" }), "Wait briefly");
    const runId = await runWorkflow(editor, workflowId, { orderId: "never" });
    const run = await waitForRun(editor, runId, ["succeeded"], 20_000);
    expect(run.output).toEqual({ late: true });
    expect(stepOf(run, "wait")).toMatchObject({ status: "succeeded", branch: "timeout", output: { timedOut: true } });
    expect(stepOf(run, "done").status).toBe("skipped");
  });

  it("match an event that came before the wait only within its look-back", async () => {
    const editor = await engine.as("editor");
    await emit({ type: "PaymentFailed", id: "pf-early", data: { orderId: "E-1" } });
    const looking = await publish(editor, waiting({ timeout: "1h", lookBack: "10m" }), "Look back");
    const found = await waitForRun(editor, await runWorkflow(editor, looking, { orderId: "E-1" }), ["succeeded"], 15_000);
    expect(found.output.event.id).toBe("pf-early");
    const blind = await publish(editor, waiting({ timeout: "1h" }), "No look back");
    const runId = await runWorkflow(editor, blind, { orderId: "E-1" });
    await waitForStep(editor, runId, "wait", ["waiting"]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await editor.get(`/runs/${runId}`)).json.status).toBe("waiting");
    await (await engine.as("operator")).post(`/runs/${runId}/cancel`, {});
  });

  it("refuse to publish a workflow emitting an unknown event type, on the node", async () => {
    const editor = await engine.as("editor");
    const created = await editor.post("/workflows", { name: "Bad emit", definition: linear([{ id: "tell", type: "emit_event", config: { eventType: "NothingHappened", data: {} } }]) });
    expect(created.json.problems).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: "tell", message: expect.stringMatching(/No event type is named NothingHappened/) })]));
    expect((await editor.post(`/workflows/${created.json.id}/versions`, {})).status).toBe(422);
  });

  it("emit once when the worker dies after publishing, before recording the step: the retry finds it published", async () => {
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, linear([{ id: "tell", type: "emit_event", config: { eventType: "OrderCompleted", data: { orderId: "{{ input.orderId }}", total: 5 }, correlationId: "{{ input.orderId }}" } }]), "Emit");
    // Fault: the first attempt's success hangs in the database, after the event was committed.
    await engine.db.pool.query(`create or replace function test_hold_success() returns trigger language plpgsql as $$ begin perform pg_sleep(10); return new; end $$`);
    await engine.db.pool.query(
      `create trigger test_hold_success before update on step_runs for each row when (new.node_id = 'tell' and new.status = 'succeeded' and new.attempt = 1) execute function test_hold_success()`,
    );
    try {
      const runId = await runWorkflow(editor, workflowId, { orderId: "K-1" });
      await waitFor("the event", async () => ((await engine.db.pool.query(`select 1 from events where correlation_id = 'K-1'`)).rowCount ? true : undefined), 15_000);
      engine.workers[0].kill("SIGKILL");
      await engine.workers[0].exited;
      engine.workers.shift();
      await engine.addWorker();
      const run = await waitForRun(editor, runId, ["succeeded"], 90_000);
      expect(stepOf(run, "tell")).toMatchObject({ attempt: 2, output: { duplicate: true, id: `${runId}:tell` } });
      expect((await engine.db.pool.query(`select count(*)::int as n from events where correlation_id = 'K-1'`)).rows[0].n).toBe(1);
    } finally {
      await engine.db.pool.query(`drop trigger if exists test_hold_success on step_runs`);
    }
  }, 120_000);
});
