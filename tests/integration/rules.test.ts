// Decision tables through the API and the Decide step: drafts with their problems named by cell,
// publishing immutable versions, the test panel's evaluation, a Decide step recording the version
// and rows that decided, and a newly published version used by the next run at once, with the
// worker left running.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine?.stop();
});

const discount = (rows: [string, string, number][]) => ({
  inputs: [
    { name: "total", type: "number" },
    { name: "region", type: "enum", values: ["EU", "UK", "US"] },
  ],
  outputs: [{ name: "discount", type: "number" }],
  hitPolicy: "first",
  rows: rows.map(([total, region, d], i) => ({ id: `r${i + 1}`, when: [total, region], then: [d] })),
});

it("keeps a draft with its problems named by cell, publishes only a readable table, and evaluates it", async () => {
  const editor = await engine.as("editor");
  const viewer = await engine.as("viewer");
  expect((await viewer.post("/rule-sets", { key: "nope", name: "Nope" })).status).toBe(403);
  const badKey = await editor.post("/rule-sets", { key: "Order Discount", name: "x" });
  expect(badKey.status).toBe(422);
  expect(badKey.json.errors[0].path).toBe("key");

  const created = await editor.post("/rule-sets", { key: "order-discount", name: "Order discount", table: discount([["> lots", "-", 10]]) });
  expect(created.status).toBe(201);
  expect(created.json.problems).toEqual([{ path: "rows.0.when.0", message: "total: lots is not a number." }]);
  expect((await editor.post("/rule-sets", { key: "order-discount", name: "Again" })).status).toBe(409);
  const refused = await editor.post("/rule-sets/order-discount/versions", { note: "first" });
  expect(refused.status).toBe(422);
  expect(refused.json.errors).toEqual([{ path: "table.rows.0.when.0", message: "total: lots is not a number." }]);

  const saved = await editor.put("/rule-sets/order-discount/draft", { table: discount([["> 1000", 'in ["EU","UK"]', 10], ["> 1000", "-", 5], ["-", "-", 0]]), revision: created.json.revision });
  expect(saved.status).toBe(200);
  expect(saved.json.problems).toEqual([]);
  // A second tab saving over it from the old revision is refused, and changes nothing.
  const stale = await editor.put("/rule-sets/order-discount/draft", { table: discount([["-", "-", 99]]), revision: created.json.revision });
  expect(stale.status).toBe(409);
  expect((await viewer.get("/rule-sets/order-discount")).json.draft.rows).toHaveLength(3);

  const tested = await viewer.post("/rule-sets/order-discount/evaluate", { inputs: { total: 1500, region: "US" } });
  expect(tested.json).toEqual({ version: "draft", result: { discount: 5 }, matched: ["r2"] });
  const published = await editor.post("/rule-sets/order-discount/versions", { note: "EU and UK get more" });
  expect(published.status).toBe(201);
  expect(published.json).toEqual({ key: "order-discount", version: 1 });
  const list = (await viewer.get("/rule-sets")).json.ruleSets;
  expect(list).toEqual([expect.objectContaining({ key: "order-discount", activeVersion: 1, rows: 3, hitPolicy: "first" })]);
  expect((await viewer.get("/rule-sets/order-discount/versions/1")).json).toMatchObject({ number: 1, note: "EU and UK get more", active: true });
  const audit = await engine.db.pool.query(`select action from audit_entries where target_type = 'rule_set' order by id`);
  expect(audit.rows.map((r) => r.action)).toEqual(["rule_set.created", "rule_set.draft_saved", "rule_set.published"]);
});

it("decides in a run with the active version, records the version and rows, and uses a new version at once", async () => {
  const editor = await engine.as("editor");
  await editor.post("/rule-sets", { key: "shipping", name: "Shipping", table: { ...discount([["> 100", "-", 0], ["-", "-", 7]]), outputs: [{ name: "fee", type: "number" }] } });
  expect((await editor.post("/rule-sets/shipping/versions", {})).status).toBe(201);
  const decideStep = (version?: number) => ({ id: "fee", type: "decide", config: { ruleSet: "shipping", ...(version ? { version } : {}), inputs: { total: "{{ input.total }}", region: "{{ input.region }}" } } });
  const workflow = await publish(editor, linear([decideStep()], { output: "{{ steps.fee.output }}" }));
  const pinned = await publish(editor, linear([decideStep(1)], { output: "{{ steps.fee.output }}" }));

  const first = await waitForRun(editor, await runWorkflow(editor, workflow, { total: 50, region: "EU" }));
  expect(first.status).toBe("succeeded");
  expect(first.output).toEqual({ result: { fee: 7 }, matched: ["r2"], rows: [2], ruleSet: "shipping", version: 1 });

  // Cheaper shipping, published while the worker runs: the next run decides with it.
  await editor.put("/rule-sets/shipping/draft", { table: { ...discount([["> 40", "-", 0], ["-", "-", 5]]), outputs: [{ name: "fee", type: "number" }] } });
  expect((await editor.post("/rule-sets/shipping/versions", { note: "free over 40" })).json.version).toBe(2);
  const second = await waitForRun(editor, await runWorkflow(editor, workflow, { total: 50, region: "EU" }));
  expect(second.output).toEqual({ result: { fee: 0 }, matched: ["r1"], rows: [1], ruleSet: "shipping", version: 2 });
  // A pinned version keeps deciding as it did.
  const old = await waitForRun(editor, await runWorkflow(editor, pinned, { total: 50, region: "EU" }));
  expect(old.output).toMatchObject({ result: { fee: 7 }, version: 1 });
});

it("evaluates expression cells where expressions can be stopped; refuses a workflow naming a rule set not published; fails a step pinning a missing version", async () => {
  const editor = await engine.as("editor");
  const table = {
    inputs: [{ name: "total", type: "number" }, { name: "limit", type: "number" }],
    outputs: [{ name: "review", type: "boolean" }],
    hitPolicy: "first",
    rows: [
      { id: "over", when: ["{{ total > limit * 2 }}", "-"], then: [true] },
      { id: "else", when: ["-", "-"], then: [false] },
    ],
  };
  await editor.post("/rule-sets", { key: "review", name: "Review", table });
  await editor.post("/rule-sets/review/versions", {});
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, linear([{ id: "check", type: "decide", config: { ruleSet: "review", inputs: { total: "{{ input.total }}", limit: 10 } } }], { output: "{{ steps.check.output.result }}" })), { total: 25 }));
  expect(run.output).toEqual({ review: true });

  // A workflow naming a rule set that is not published is refused at publish, naming the field.
  const created = await editor.post("/workflows", { name: "Decides with nothing", definition: linear([{ id: "check", type: "decide", config: { ruleSet: "no-such-rules", inputs: {} } }]) });
  const refused = await editor.post(`/workflows/${created.json.id}/versions`, {});
  expect(refused.status).toBe(422);
  expect(refused.json.errors).toEqual([{ nodeId: "check", path: "nodes.1.config.ruleSet", message: "No published rule set has the key no-such-rules: publish it under Rules first, or choose another." }]);
  // A pinned version that does not exist fails the step at once, saying so.
  const missing = await waitForRun(editor, await runWorkflow(editor, await publish(editor, linear([{ id: "check", type: "decide", config: { ruleSet: "review", version: 9, inputs: {} } }]))));
  expect(missing.status).toBe("failed");
  expect(stepOf(missing, "check")).toMatchObject({ attempt: 1, error: { message: "rule set review has no version 9" } });
});
