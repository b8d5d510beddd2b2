// Sagas: a failed run undoes its completed steps through their compensations, latest first (or
// all at once), each a step of its own with retries and dead letters; operators retry or skip a
// failed compensation, or fail and compensate a run by hand. Against a local server that records
// what was undone, in which order, with what.
import { afterAll, beforeAll, expect, it } from "vitest";
import { publish, runWorkflow, startEngine, stepOf, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";

let engine: Engine;
let server: TestServer;
/** Calls to fail (503) before succeeding, per path. */
const failures = new Map<string, number>();

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine(), startTestServer()]);
  server.on("/book", (req, n, res) => json(res, 200, { bookingId: `${new URL(req.url, "http://x").searchParams.get("what")}-${n}` }));
  server.on("/decline", (_req, _n, res) => json(res, 402, { error: "card declined" }));
  server.on("/undo", (req, n, res) => {
    const what = new URL(req.url, "http://x").searchParams.get("what")!;
    const fail = failures.get(what) ?? 0;
    if (fail < 0) return json(res, 400, { error: "cannot undo" });
    if (server.calls("/undo").filter((r) => r.url.includes(`what=${what}&`) || r.url.endsWith(`what=${what}`)).length <= fail) return json(res, 503, { error: "busy" });
    // Slow enough that undoing at once overlaps, visibly.
    setTimeout(() => json(res, 200, { undone: what, call: n }), 150);
  });
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

const fast = { maxAttempts: 3, initialDelayMs: 50, jitter: "none" };

type Spec = { id: string; url: string; undo?: string; body?: unknown; compensateIfFailed?: boolean; type?: string; config?: Record<string, unknown> };

/** start → each step in a line → end; a step with `undo` has a compensation drawn to it. */
function saga(steps: Spec[], start: Record<string, unknown> = {}) {
  const forward = steps.map((s, i) => ({
    id: s.id,
    type: s.type ?? "http",
    position: { x: 200 * (i + 1), y: 0 },
    config: s.config ?? { method: "POST", url: `${server.url}${s.url}` },
    retry: fast,
    ...(s.compensateIfFailed ? { compensateIfFailed: true } : {}),
  }));
  const undos = steps
    .filter((s) => s.undo)
    .map((s, i) => ({
      id: `undo_${s.id}`,
      type: "http",
      position: { x: 200 * (i + 1), y: 200 },
      config: { method: "POST", url: `${server.url}/undo?what=${s.undo}`, body: s.body ?? { original: "{{ original }}" } },
      retry: fast,
    }));
  const line = ["start", ...steps.map((s) => s.id), "end"];
  return {
    nodes: [{ id: "start", type: "start", position: { x: 0, y: 0 }, config: start }, ...forward, ...undos, { id: "end", type: "end", position: { x: 200 * line.length, y: 0 }, config: {} }],
    edges: [
      ...line.slice(1).map((id, i) => ({ id: `e${i}`, source: line[i], target: id })),
      ...steps.filter((s) => s.undo).map((s) => ({ id: `c_${s.id}`, source: s.id, target: `undo_${s.id}`, kind: "compensation" })),
    ],
  };
}

const undoCalls = (what: string) => server.calls("/undo").filter((r) => new URL(r.url, "http://x").searchParams.get("what") === what);
const eventsOf = async (runId: string) => (await (await engine.as("viewer")).get(`/runs/${runId}/events?limit=500`)).json.events as { type: string; nodeId: string | null; data: Record<string, unknown> }[];

it("undoes the completed steps latest first when the third of four fails; a compensation that fails once is retried", async () => {
  failures.set("t1-flight", 0).set("t1-hotel", 1).set("t1-car", 0);
  const editor = await engine.as("editor");
  const workflowId = await publish(
    editor,
    saga([
      { id: "flight", url: "/book?what=flight", undo: "t1-flight", body: { bookingId: "{{ original.output.body.bookingId }}", step: "{{ original.nodeId }}" } },
      { id: "hotel", url: "/book?what=hotel", undo: "t1-hotel", body: { bookingId: "{{ steps.hotel.output.body.bookingId }}" } },
      { id: "charge", url: "/decline", undo: "t1-card" },
      { id: "email", url: "/book?what=email", undo: "t1-email" },
    ]),
    "trip",
  );
  const run = await waitForRun(editor, await runWorkflow(editor, workflowId), ["compensated", "compensation_failed", "failed"]);
  expect(run.status).toBe("compensated");
  expect(run.error).toMatchObject({ nodeId: "charge" });
  // The charge failed (not undone: it is not marked compensate-if-failed); the email never ran.
  expect(stepOf(run, "charge").status).toBe("failed");
  expect(stepOf(run, "email")).toBeUndefined();
  expect(stepOf(run, "undo_charge")).toBeUndefined();
  expect(undoCalls("t1-card")).toHaveLength(0);
  // Hotel before flight; the hotel's undo failed once and was retried.
  const order = server.calls("/undo").filter((r) => r.url.includes("t1-")).map((r) => new URL(r.url, "http://x").searchParams.get("what"));
  expect(order).toEqual(["t1-hotel", "t1-hotel", "t1-flight"]);
  expect(stepOf(run, "undo_hotel")).toMatchObject({ status: "succeeded", attempt: 2 });
  expect(stepOf(run, "undo_flight")).toMatchObject({ status: "succeeded", attempt: 1 });
  // Each undo saw what it undoes: the original step's output.
  const hotel = stepOf(run, "hotel").output.body.bookingId;
  expect(JSON.parse(undoCalls("t1-hotel")[1].body)).toEqual({ bookingId: hotel });
  expect(JSON.parse(undoCalls("t1-flight")[0].body)).toEqual({ bookingId: stepOf(run, "flight").output.body.bookingId, step: "flight" });

  const events = await eventsOf(run.id);
  const runEvents = events.filter((e) => e.type.startsWith("run.")).map((e) => e.type);
  // Straight from running to compensating: no `failed` on the way, so one end is announced.
  expect(runEvents).toEqual(["run.created", "run.started", "run.compensating", "run.compensated"]);
  expect(events.find((e) => e.type === "run.compensating")!.data).toMatchObject({
    order: "reverse",
    plan: [
      { nodeId: "hotel", compensator: "undo_hotel" },
      { nodeId: "flight", compensator: "undo_flight" },
    ],
    error: { nodeId: "charge" },
  });
  // The undo of the flight was queued only after the hotel's was done.
  const at = (type: string, nodeId: string) => events.findIndex((e) => e.type === type && e.nodeId === nodeId);
  expect(at("step.queued", "undo_flight")).toBeGreaterThan(at("step.succeeded", "undo_hotel"));
  expect(events.find((e) => e.type === "step.queued" && e.nodeId === "undo_hotel")!.data).toMatchObject({ reason: "undoing hotel" });
});

it("undoes a step marked compensate-if-failed even though it failed, first", async () => {
  const editor = await engine.as("editor");
  const run = await waitForRun(
    editor,
    await runWorkflow(editor, await publish(editor, saga([{ id: "flight", url: "/book?what=flight", undo: "t2-flight" }, { id: "charge", url: "/decline", undo: "t2-card", compensateIfFailed: true, body: { error: "{{ original.error.message }}", status: "{{ original.status }}" } }]))),
    ["compensated", "compensation_failed", "failed"],
  );
  expect(run.status).toBe("compensated");
  const order = server.calls("/undo").filter((r) => r.url.includes("t2-")).map((r) => new URL(r.url, "http://x").searchParams.get("what"));
  expect(order).toEqual(["t2-card", "t2-flight"]);
  expect(JSON.parse(undoCalls("t2-card")[0].body)).toMatchObject({ status: "failed", error: expect.stringContaining("402") });
});

it("undoes all at once when the workflow says parallel", async () => {
  const editor = await engine.as("editor");
  const run = await waitForRun(
    editor,
    await runWorkflow(
      editor,
      await publish(editor, saga([{ id: "a", url: "/book?what=a", undo: "t3-a" }, { id: "b", url: "/book?what=b", undo: "t3-b" }, { id: "c", url: "/book?what=c", undo: "t3-c" }, { id: "charge", url: "/decline" }], { compensationOrder: "parallel" })),
    ),
    ["compensated", "compensation_failed", "failed"],
  );
  expect(run.status).toBe("compensated");
  const [a, b, c] = ["t3-a", "t3-b", "t3-c"].map((w) => undoCalls(w)[0].at);
  // Each answers after 150 ms: one after another would take 300 ms from first to last.
  expect(Math.max(a, b, c) - Math.min(a, b, c)).toBeLessThan(150);
  const events = await eventsOf(run.id);
  expect(events.find((e) => e.type === "run.compensating")!.data).toMatchObject({ order: "parallel" });
});

it("stops at a compensation out of attempts (dead-lettered); the operator skips it and undoing goes on", async () => {
  failures.set("t4-hotel", -1);
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const runId = await runWorkflow(
    editor,
    await publish(editor, saga([{ id: "flight", url: "/book?what=flight", undo: "t4-flight" }, { id: "hotel", url: "/book?what=hotel", undo: "t4-hotel" }, { id: "charge", url: "/decline" }])),
  );
  const stopped = await waitForRun(editor, runId, ["compensated", "compensation_failed", "failed"]);
  expect(stopped.status).toBe("compensation_failed");
  expect(stepOf(stopped, "undo_hotel")).toMatchObject({ status: "failed" });
  // One after another: the flight is not undone past a failed undo of the hotel.
  expect(stepOf(stopped, "undo_flight")).toBeUndefined();
  const letters = (await editor.get("/dead-letters")).json.deadLetters.filter((d: { runId: string }) => d.runId === runId);
  expect(letters.map((d: { nodeId: string }) => d.nodeId).sort()).toEqual(["charge", "undo_hotel"]);

  // Forward steps are history now: retrying the failed charge is refused, and nothing changes.
  const refused = await operator.post(`/runs/${runId}/steps/charge/retry`, {});
  expect(refused.status).toBe(409);
  expect(refused.json.detail).toContain("only its compensations");
  expect((await editor.get(`/runs/${runId}`)).json.status).toBe("compensation_failed");
  // A viewer may not skip.
  expect((await (await engine.as("viewer")).post(`/runs/${runId}/steps/undo_hotel/skip`, { output: { manual: true } })).status).toBe(403);

  const skipped = await operator.post(`/runs/${runId}/steps/undo_hotel/skip`, { output: { releasedByPhone: true } });
  expect(skipped.status).toBe(200);
  const done = await waitForRun(editor, runId, ["compensated"]);
  expect(stepOf(done, "undo_hotel")).toMatchObject({ status: "skipped", output: { releasedByPhone: true } });
  expect(stepOf(done, "undo_flight").status).toBe("succeeded");
  // Both letters close: the undo's as skipped, the failure that started it as compensated.
  const closed = (await editor.get("/dead-letters?status=resolved")).json.deadLetters.filter((d: { runId: string }) => d.runId === runId);
  expect(Object.fromEntries(closed.map((d: { nodeId: string; resolution: string }) => [d.nodeId, d.resolution]))).toEqual({ charge: "compensated", undo_hotel: "skipped" });
  const types = (await eventsOf(runId)).map((e) => e.type);
  expect(types).toEqual(expect.arrayContaining(["run.compensation_failed", "command.skip_step", "run.compensation_resumed", "run.compensated"]));
});

it("retrying a failed compensation resumes undoing", async () => {
  failures.set("t5-hotel", -1);
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const runId = await runWorkflow(editor, await publish(editor, saga([{ id: "hotel", url: "/book?what=hotel", undo: "t5-hotel" }, { id: "charge", url: "/decline" }])));
  expect((await waitForRun(editor, runId, ["compensated", "compensation_failed", "failed"])).status).toBe("compensation_failed");
  failures.set("t5-hotel", 0);
  expect((await operator.post(`/runs/${runId}/steps/undo_hotel/retry`, {})).status).toBe(200);
  const done = await waitForRun(editor, runId, ["compensated", "compensation_failed"]);
  expect(done.status).toBe("compensated");
  expect(stepOf(done, "undo_hotel").status).toBe("succeeded");
});

it("an operator fails and compensates a waiting run; nothing to undo is a 409 that changes nothing", async () => {
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const definition = saga([
    { id: "flight", url: "/book?what=flight", undo: "t6-flight" },
    { id: "pause", url: "", type: "delay", config: { durationMs: 3_600_000 } },
  ]);
  const runId = await runWorkflow(editor, await publish(editor, definition));
  await waitForStep(editor, runId, "pause", ["waiting"]);
  expect((await (await engine.as("viewer")).post(`/runs/${runId}/compensate`, {})).status).toBe(403);
  const res = await operator.post(`/runs/${runId}/compensate`, {});
  expect(res.status).toBe(200);
  const done = await waitForRun(editor, runId, ["compensated", "compensation_failed"]);
  expect(done.status).toBe("compensated");
  expect(stepOf(done, "pause")).toMatchObject({ status: "cancelled" });
  expect(done.error).toMatchObject({ code: "operator" });
  expect(undoCalls("t6-flight")).toHaveLength(1);
  // A finished run, and a run that has done nothing with an undo yet, cannot be compensated.
  expect((await operator.post(`/runs/${runId}/compensate`, {})).status).toBe(409);
  const early = await runWorkflow(editor, await publish(editor, saga([{ id: "pause", url: "", type: "delay", config: { durationMs: 3_600_000 } }, { id: "flight", url: "/book?what=flight", undo: "t6-never" }])));
  await waitForStep(editor, early, "pause", ["waiting"]);
  const nothing = await operator.post(`/runs/${early}/compensate`, {});
  expect(nothing.status).toBe(409);
  expect(nothing.json.detail).toContain("nothing to undo");
  expect((await editor.get(`/runs/${early}`)).json.status).toBe("waiting");
  await operator.post(`/runs/${early}/cancel`, {});
});

it("a run past its deadline undoes what it did", async () => {
  const editor = await engine.as("editor");
  const runId = await runWorkflow(
    editor,
    await publish(editor, saga([{ id: "flight", url: "/book?what=flight", undo: "t7-flight" }, { id: "pause", url: "", type: "delay", config: { durationMs: 3_600_000 } }], { runTimeoutMs: 1000 })),
  );
  const done = await waitForRun(editor, runId, ["compensated", "compensation_failed", "failed"], 60_000);
  expect(done.status).toBe("compensated");
  expect(done.error).toMatchObject({ code: "run_timeout" });
  expect(stepOf(done, "pause")).toMatchObject({ status: "cancelled", reason: "run_timed_out" });
  expect(undoCalls("t7-flight")).toHaveLength(1);
});

it("refuses compensation edges that cannot work, naming the edge", async () => {
  const editor = await engine.as("editor");
  const bad = saga([{ id: "flight", url: "/book?what=flight", undo: "x" }]);
  // The undo is also drawn into the normal flow, and a second undo is drawn from the same step.
  bad.edges.push({ id: "into", source: "flight", target: "undo_flight" } as never);
  bad.nodes.push({ id: "undo_again", type: "http", position: { x: 0, y: 400 }, config: { method: "POST", url: `${server.url}/undo` }, retry: fast } as never);
  bad.edges.push({ id: "second", source: "flight", target: "undo_again", kind: "compensation" } as never);
  const created = await editor.post("/workflows", { name: "bad saga", definition: bad });
  expect(created.status).toBe(201);
  const published = await editor.post(`/workflows/${created.json.id}/versions`, {});
  expect(published.status).toBe(422);
  const problems = published.json.errors as { edgeId?: string; message: string }[];
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ edgeId: "c_flight", message: expect.stringContaining("remove its normal connections") }),
      expect.objectContaining({ edgeId: "second", message: expect.stringContaining("already has a compensation") }),
    ]),
  );
  expect((await editor.get(`/workflows/${created.json.id}/versions`)).json.versions ?? []).toHaveLength(0);
});
