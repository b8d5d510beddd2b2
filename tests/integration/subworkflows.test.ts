// Sub-workflows: a step runs another published workflow and takes its output, holding no worker
// while it waits; the child's failure is the step's (retried with a new child run, or carried on
// with when configured); cancelling the parent cancels the child; parent and child link to each
// other; workflows that call each other are refused at publish, and nesting is cut off at run time.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
let server: TestServer;
/** Calls to /charge to refuse (400) before accepting, per order. */
const refusals = new Map<string, number>();

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine(), startTestServer()]);
  server.on("/charge", (req, _n, res) => {
    const order = new URL(req.url, "http://x").searchParams.get("order")!;
    const left = refusals.get(order) ?? 0;
    if (left > 0) {
      refusals.set(order, left - 1);
      return json(res, 400, { error: "card declined" });
    }
    json(res, 200, { charged: order });
  });
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

/** A child that charges an order: input { orderId } required; output { charged }. */
const chargeWorkflow = () => ({
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, config: { inputSchema: { type: "object", required: ["orderId"], properties: { orderId: { type: "string" } } } } },
    { id: "charge", type: "http", position: { x: 200, y: 0 }, config: { method: "POST", url: `${server.url}/charge?order={{ input.orderId }}` }, retry: { maxAttempts: 1 } },
    { id: "end", type: "end", position: { x: 400, y: 0 }, config: { output: { charged: "{{ steps.charge.output.body.charged }}" } } },
  ],
  edges: [
    { id: "e1", source: "start", target: "charge" },
    { id: "e2", source: "charge", target: "end" },
  ],
});

const callOf = (workflowId: string, config: Record<string, unknown> = {}, retry: Record<string, unknown> = { maxAttempts: 1 }) =>
  linear([{ id: "sub", type: "subworkflow", config: { workflowId, input: { orderId: "{{ input.orderId }}" }, ...config }, retry }], { output: "{{ steps.sub.output }}" });

it("runs the child with its input, takes its output, and links parent and child", async () => {
  const editor = await engine.as("editor");
  const child = await publish(editor, chargeWorkflow(), "charge an order");
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, callOf(child), "order"), { orderId: "o-1" }));
  expect(run.status).toBe("succeeded");
  const sub = stepOf(run, "sub");
  expect(run.output).toEqual({ childRunId: sub.output.childRunId, workflowId: child, status: "succeeded", output: { charged: "o-1" } });
  expect(sub.waitKind).toBe("child_run");
  expect(run.children).toEqual([expect.objectContaining({ id: sub.output.childRunId, status: "succeeded", workflowName: "charge an order", nodeId: "sub" })]);
  const childRun = (await editor.get(`/runs/${sub.output.childRunId}`)).json;
  expect(childRun).toMatchObject({ workflowId: child, input: { orderId: "o-1" }, parent: { runId: run.id, nodeId: "sub", workflowName: "order" } });
  const created = (await editor.get(`/runs/${childRun.id}/events`)).json.events.find((e: { type: string }) => e.type === "run.created");
  expect(created.data).toMatchObject({ parentRunId: run.id, parentNodeId: "sub" });
});

it("shows the child's progress on the parent's step, in order, and the parent's on /runs", async () => {
  const editor = await engine.as("editor");
  const pause = (id: string) => ({ id, type: "delay", config: { durationMs: 400 } });
  const child = await publish(editor, linear([pause("a"), pause("b"), pause("c")]), "three pauses");
  const parent = await publish(editor, linear([{ id: "sub", type: "subworkflow", config: { workflowId: child, input: {} } }]), "waits for pauses");
  const runId = await runWorkflow(editor, parent);
  const step = await waitFor("the child's progress on the step", async () => {
    const sub = stepOf((await editor.get(`/runs/${runId}`)).json, "sub");
    return sub?.progress?.done >= 2 ? sub : undefined;
  }, 15_000, 100);
  expect(step.progress).toMatchObject({ unit: "steps", total: 5 });
  const row = (await editor.get(`/runs?workflowId=${parent}`)).json.runs[0];
  expect(row.progress).toMatchObject({ unit: "steps", total: 3, done: 1 });
  const run = await waitForRun(editor, runId);
  expect(run.status).toBe("succeeded");
  const reported = (await editor.get(`/runs/${runId}/events`)).json.events
    .filter((e: { type: string }) => e.type === "step.progress")
    .map((e: { data: { done: number; total: number; unit: string } }) => e.data);
  // start, a, b, c: each step the child decided (its end closes the wait instead).
  expect(reported.map((p: { done: number }) => p.done)).toEqual([2, 3, 4]);
  expect(reported.every((p: { total: number; unit: string }) => p.total === 5 && p.unit === "steps")).toBe(true);
});

it("retries a failed child with a new child run, per the step's policy", async () => {
  refusals.set("o-2", 1);
  const editor = await engine.as("editor");
  const child = await publish(editor, chargeWorkflow(), "charge, flaky");
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, callOf(child, {}, { maxAttempts: 2, initialDelayMs: 50, jitter: "none" })), { orderId: "o-2" }));
  expect(run.status).toBe("succeeded");
  expect(stepOf(run, "sub")).toMatchObject({ attempt: 2 });
  expect(stepOf(run, "sub").attempts.map((a: { status: string }) => a.status)).toEqual(["failed", "succeeded"]);
  expect(stepOf(run, "sub").attempts[0].error.message).toMatch(/child run .* failed: step charge failed/);
  expect(run.children.map((c: { status: string }) => c.status)).toEqual(["failed", "succeeded"]);
});

it("fails the step with the child when out of attempts, or carries on when set to continue", async () => {
  refusals.set("o-3", 10).set("o-4", 10);
  const editor = await engine.as("editor");
  const child = await publish(editor, chargeWorkflow(), "charge, declined");
  const failed = await waitForRun(editor, await runWorkflow(editor, await publish(editor, callOf(child)), { orderId: "o-3" }));
  expect(failed.status).toBe("failed");
  expect(stepOf(failed, "sub")).toMatchObject({ status: "failed", error: { code: "child_failed" } });

  const carried = await waitForRun(editor, await runWorkflow(editor, await publish(editor, callOf(child, { onFailure: "continue" })), { orderId: "o-4" }));
  expect(carried.status).toBe("succeeded");
  expect(carried.output).toMatchObject({ status: "failed", error: { nodeId: "charge" } });
});

it("refuses a child input its schema rejects, without starting a child", async () => {
  const editor = await engine.as("editor");
  const child = await publish(editor, chargeWorkflow(), "charge, strict");
  const parent = linear([{ id: "sub", type: "subworkflow", config: { workflowId: child, input: { wrong: true } }, retry: { maxAttempts: 3 } }]);
  const run = await waitForRun(editor, await runWorkflow(editor, await publish(editor, parent)));
  expect(run.status).toBe("failed");
  // Not retried: the same input would be refused again.
  expect(stepOf(run, "sub")).toMatchObject({ status: "failed", attempt: 1 });
  expect(stepOf(run, "sub").error.message).toContain("input.orderId");
  expect(run.children).toEqual([]);
});

it("cancelling the parent cancels the child, holding no worker while it waited", async () => {
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const sleeper = await publish(editor, linear([{ id: "nap", type: "delay", config: { durationMs: 3_600_000 } }]), "sleeper");
  const runId = await runWorkflow(editor, await publish(editor, linear([{ id: "sub", type: "subworkflow", config: { workflowId: sleeper } }])));
  const sub = await waitForStep(editor, runId, "sub", ["waiting"]);
  const childId = sub.output.childRunId as string;
  await waitForStep(editor, childId, "nap", ["waiting"]);
  expect((await editor.get(`/runs/${runId}`)).json.status).toBe("waiting");
  expect((await operator.post(`/runs/${runId}/cancel`, {})).status).toBe(200);
  const child = await waitForRun(editor, childId, ["cancelled"], 10_000);
  expect(stepOf(child, "nap")).toMatchObject({ status: "cancelled", reason: "parent_stopped" });
  // The child's end reaches a parent that no longer waits: nothing changes there.
  await new Promise((r) => setTimeout(r, 500));
  expect((await editor.get(`/runs/${runId}`)).json.status).toBe("cancelled");
});

it("refuses to publish workflows that call each other, naming the path", async () => {
  const editor = await engine.as("editor");
  const b = await publish(editor, linear([]), "B");
  const a = await publish(editor, callOf(b), "A");
  // B now calls A: A calls B, so B → A → B.
  await editor.put(`/workflows/${b}/draft`, { definition: callOf(a) });
  const refused = await editor.post(`/workflows/${b}/versions`, {});
  expect(refused.status).toBe(422);
  expect(refused.json.errors).toEqual([expect.objectContaining({ nodeId: "sub", path: "nodes.1.config.workflowId", message: expect.stringContaining("this workflow → “A” → this workflow") })]);
  expect((await editor.get(`/workflows/${b}/versions`)).json.versions).toHaveLength(1);

  // A workflow calling itself.
  await editor.put(`/workflows/${a}/draft`, { definition: callOf(a) });
  const self = await editor.post(`/workflows/${a}/versions`, {});
  expect(self.status).toBe(422);
  expect(self.json.errors[0].message).toContain("calls this workflow itself");
});

it("cuts off nesting deeper than ten levels at run time", async () => {
  const editor = await engine.as("editor");
  let next = await publish(editor, linear([]), "level 11");
  for (let level = 10; level >= 1; level--) next = await publish(editor, callOf(next), `level ${level}`);
  const run = await waitForRun(editor, await runWorkflow(editor, next, { orderId: "deep" }));
  expect(run.status).toBe("failed");
  // The failure travels up from level 10, which was refused a child at level 11.
  let failed = run;
  for (let level = 1; level < 10; level++) failed = (await editor.get(`/runs/${failed.children[0].id}`)).json;
  expect(failed.workflowName).toBe("level 10");
  expect(failed.children).toEqual([]);
  expect(stepOf(failed, "sub").error.message).toContain("nest at most 10 deep");
});
