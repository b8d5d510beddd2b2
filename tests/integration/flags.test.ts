// Feature flags through the API and in runs: every change a version (problems named by field,
// stale saves refused), `$flag()` in a step's templates and a condition's flag mode deciding in
// the worker with the answer recorded on the step, the kill switch taking effect in a running
// worker (whose cache the change invalidates), and the evaluation counts on the flag.
import { afterAll, beforeAll, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine?.stop();
});

const pricing = {
  kind: "boolean",
  enabled: true,
  offValue: false,
  bucketBy: "userId",
  rules: [{ id: "eu", description: "Europe first", conditions: [{ attribute: "country", type: "string", test: 'in ["DE", "FR"]' }], serve: { value: true } }],
  fallthrough: { rollout: [{ value: true, weight: 30 }, { value: false, weight: 70 }] },
};

it("versions every change, names the field of a bad one, refuses a stale save and a viewer, and evaluates a context", async () => {
  const editor = await engine.as("editor");
  const viewer = await engine.as("viewer");
  expect((await viewer.post("/flags", { key: "nope", name: "Nope" })).status).toBe(403);
  const badKey = await editor.post("/flags", { key: "New Pricing", name: "x" });
  expect(badKey.status).toBe(422);
  expect(badKey.json.errors[0].path).toBe("key");

  const created = await editor.post("/flags", { key: "new-pricing", name: "New pricing" });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ key: "new-pricing", version: 1 });
  expect((await editor.post("/flags", { key: "new-pricing", name: "Again" })).status).toBe(409);

  const bad = await editor.put("/flags/new-pricing", {
    definition: { ...pricing, rules: [{ ...pricing.rules[0], conditions: [{ attribute: "amount", type: "number", test: "> lots" }] }], fallthrough: { rollout: [{ value: true, weight: 30 }] } },
    version: 1,
  });
  expect(bad.status).toBe(422);
  expect(bad.json.errors).toEqual([
    { path: "definition.rules.0.conditions.0.test", message: "lots is not a number." },
    { path: "definition.fallthrough.rollout", message: "The shares add up to 30 %; they must add up to 100 %." },
  ]);
  const saved = await editor.put("/flags/new-pricing", { definition: pricing, version: 1, note: "EU, then 30 %" });
  expect(saved.status).toBe(200);
  expect(saved.json.version).toBe(2);
  // A second tab saving from version 1 is refused and changes nothing.
  const stale = await editor.put("/flags/new-pricing", { definition: { ...pricing, enabled: false }, version: 1 });
  expect(stale.status).toBe(409);
  const flag = (await viewer.get("/flags/new-pricing")).json;
  expect(flag).toMatchObject({ version: 2, definition: { enabled: true } });
  expect(flag.versions.map((v: { number: number; note: string }) => [v.number, v.note])).toEqual([[2, "EU, then 30 %"], [1, "created"]]);
  expect((await viewer.get("/flags/new-pricing/versions/1")).json.definition).toMatchObject({ enabled: true, fallthrough: { value: false } });

  expect((await viewer.post("/flags/new-pricing/evaluate", { context: { userId: "u1", country: "FR" } })).json).toEqual({ flag: "new-pricing", version: 2, value: true, reason: "rule", rule: 1, ruleId: "eu" });
  const rolled = (await viewer.post("/flags/new-pricing/evaluate", { context: { userId: "u1", country: "US" } })).json;
  expect(rolled).toMatchObject({ reason: "default", bucket: expect.any(Number) });
  expect(rolled.value).toBe(rolled.bucket < 3000);
  expect((await viewer.post("/flags/new-pricing/evaluate", { context: { country: "US" } })).json).toMatchObject({ value: false, reason: "no_key" });
  expect((await viewer.post("/flags/new-pricing/evaluate", { context: "nope" })).status).toBe(422);

  const audit = await engine.db.pool.query(`select action, data->>'version' as version from audit_entries where target_type = 'flag' order by id`);
  expect(audit.rows).toEqual([{ action: "flag.created", version: null }, { action: "flag.changed", version: "2" }]);
});

it("answers $flag() in templates and a condition's flag mode, records each answer on the step, counts them, and obeys the kill switch at once", async () => {
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  await editor.post("/flags", { key: "checkout", name: "Checkout", definition: { ...pricing, fallthrough: { value: false } } });
  await editor.post("/flags", { key: "layout", name: "Layout", kind: "variant", variants: ["classic", "compact"], definition: { kind: "variant", enabled: true, variants: ["classic", "compact"], offValue: "classic", bucketBy: "userId", rules: [], fallthrough: { value: "compact" } } });
  const workflow = await publish(
    editor,
    definition(
      [
        { id: "start", type: "start" },
        { id: "price", type: "transform", config: { output: { newPricing: '{{ $flag("checkout", { "userId": input.userId, "country": input.country }) }}' } } },
        { id: "layout", type: "condition", config: { mode: "flag", flag: "layout", context: { userId: "{{ input.userId }}" }, whenValue: "compact" } },
        { id: "compact", type: "end", config: { output: { layout: "compact", newPricing: "{{ steps.price.output.newPricing }}" } } },
        { id: "classic", type: "end", config: { output: { layout: "classic", newPricing: "{{ steps.price.output.newPricing }}" } } },
      ],
      [["start", "price"], ["price", "layout"], ["layout", "compact", "true"], ["layout", "classic", "false"]],
    ),
  );
  const first = await waitForRun(editor, await runWorkflow(editor, workflow, { userId: "u7", country: "DE" }));
  expect(first.status).toBe("succeeded");
  expect(first.output).toEqual({ layout: "compact", newPricing: true });
  expect(stepOf(first, "layout").output).toEqual({ result: true, value: "compact", flag: { flag: "layout", version: 1, value: "compact", reason: "default" } });
  const logs = (await editor.get(`/runs/${first.id}/steps/price/logs`)).json.logs;
  expect(logs).toEqual([expect.objectContaining({ message: "flag checkout v1 → true (rule 1)", data: { flag: { flag: "checkout", version: 1, value: true, reason: "rule", rule: 1, ruleId: "eu" } } })]);

  // Off everywhere: the worker that just cached both flags serves the off values on the next run.
  const viewer = await engine.as("viewer");
  expect((await viewer.post("/flags/checkout/enabled", { enabled: false })).status).toBe(403);
  expect((await operator.post("/flags/checkout/enabled", { enabled: false, note: "incident 42" })).json.version).toBe(2);
  expect((await operator.post("/flags/layout/enabled", { enabled: false })).status).toBe(200);
  const killed = await waitForRun(editor, await runWorkflow(editor, workflow, { userId: "u7", country: "DE" }));
  expect(killed.output).toEqual({ layout: "classic", newPricing: false });
  expect(stepOf(killed, "layout").output.flag).toEqual({ flag: "layout", version: 2, value: "classic", reason: "off" });
  const audit = await engine.db.pool.query(`select action, data->>'note' as note from audit_entries where target_type = 'flag' and action = 'flag.killed' order by id`);
  expect(audit.rows).toEqual([{ action: "flag.killed", note: "incident 42" }, { action: "flag.killed", note: "turned off (kill switch)" }]);

  // Counted within seconds (workers add their counts every 2 s): one each way per flag.
  const counted = await waitFor("evaluation counts", async () => {
    const flags = (await viewer.get("/flags")).json.flags as { key: string; lastHour: { value: unknown; count: number }[] }[];
    const layout = flags.find((f) => f.key === "layout")!.lastHour;
    return layout.length === 2 ? flags : undefined;
  });
  expect(counted.find((f) => f.key === "layout")!.lastHour).toEqual(expect.arrayContaining([{ value: "compact", count: 1 }, { value: "classic", count: 1 }]));
  expect(counted.find((f) => f.key === "checkout")!.lastHour).toEqual(expect.arrayContaining([{ value: true, count: 1 }, { value: false, count: 1 }]));
});

it("refuses a workflow asking a flag that does not exist, and fails a step whose $flag key is not a string", async () => {
  const editor = await engine.as("editor");
  const created = await editor.post("/workflows", {
    name: "Asks nothing",
    definition: linear([
      { id: "price", type: "transform", config: { output: '{{ $flag("no-such-flag", {}) }}' } },
      { id: "gate", type: "condition", config: { mode: "flag" } },
    ]),
  });
  const refused = await editor.post(`/workflows/${created.json.id}/versions`, {});
  expect(refused.status).toBe(422);
  expect(refused.json.errors).toEqual(
    expect.arrayContaining([
      { nodeId: "price", path: "nodes.1.config.output", message: 'No flag has the key no-such-flag: create it under Flags first, or correct $flag("no-such-flag", ...).' },
      { nodeId: "gate", path: "nodes.2.config.flag", message: "Choose the flag that decides the branch." },
    ]),
  );
  // A computed key is not one the worker loads: the step fails saying how to write it.
  await editor.post("/flags", { key: "computed", name: "Computed" });
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, linear([{ id: "price", type: "transform", config: { output: "{{ $flag(input.which, {}) }}" } }])), { which: "computed" }));
  expect(run.status).toBe("failed");
  expect(stepOf(run, "price").error.message).toContain('flag computed is not known to this step: a step loads the flags whose keys its templates write as strings, $flag("computed", ...)');
});
