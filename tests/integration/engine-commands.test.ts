// Operator commands: cancel, resume, retry a step, skip a step, replay. Each fits some states
// only (409 naming the state otherwise), needs the operator role, and is audited with its actor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
let server: TestServer;
let broken = true;
let hangAborted = 0;
const once = { maxAttempts: 1 };

beforeAll(async () => {
  [engine, server] = await Promise.all([startEngine(), startTestServer()]);
  // Holds the request open until the client gives up (or the test ends).
  server.on("/hang", (req, _n, res) => {
    const timer = setTimeout(() => json(res, 200, { late: true }), 30_000);
    res.on("close", () => {
      if (!res.writableFinished) hangAborted++;
      clearTimeout(timer);
    });
    void req;
  });
  server.on("/switch", (_req, _n, res) => (broken ? json(res, 500, { broken }) : json(res, 200, { fixed: true })));
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

const auditOf = async (runId: string) => (await (await engine.as("viewer")).get(`/runs/${runId}/events`)).json.events as { type: string; actor: string; data: Record<string, unknown> }[];

describe("cancel", () => {
  it("cancels a running HTTP step and a waiting delay; nothing after them runs", async () => {
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          { id: "call", type: "http", config: { url: `${server.url}/hang` } },
          { id: "pause", type: "delay", config: { durationMs: 60_000 } },
          { id: "after_call", type: "transform", config: { output: 1 } },
          { id: "after_pause", type: "transform", config: { output: 2 } },
        ],
        [
          ["start", "call"],
          ["start", "pause"],
          ["call", "after_call"],
          ["pause", "after_pause"],
        ],
      ),
    );
    const runId = await runWorkflow(editor, id);
    await waitForStep(editor, runId, "call", ["running"]);
    await waitForStep(editor, runId, "pause", ["waiting"]);
    await waitFor("the HTTP request to arrive", () => server.calls("/hang").length > 0);

    expect((await editor.post(`/runs/${runId}/cancel`)).status).toBe(403);
    const res = await operator.post(`/runs/${runId}/cancel`);
    expect(res.status).toBe(200);
    expect(res.json.status).toBe("cancelled");

    const run = await waitForRun(operator, runId, ["cancelled"]);
    expect(stepOf(run, "call")).toMatchObject({ status: "cancelled", reason: "run_cancelled" });
    expect(stepOf(run, "pause")).toMatchObject({ status: "cancelled", reason: "run_cancelled" });
    expect(stepOf(run, "call").attempts[0].status).toBe("cancelled");
    // The worker aborted the request: the server saw the client close it, long before it answered.
    await waitFor("the worker to abort its HTTP request", () => hangAborted === 1, 10_000);
    // No job is left to run anything: the delay's resume job was cancelled with the run, and the
    // aborted call's job is settled once its worker has finished with it (so it had its chance
    // to report, and was fenced out).
    const jobs = async () =>
      (await engine.db.pool.query(`select data->>'resume' as resume, state from pgboss.job where data->>'runId' = $1 and state < 'completed'`, [runId])).rows;
    await waitFor("the worker to finish with the cancelled call", async () => (await jobs()).length === 0, 20_000);
    const { rows: settled } = await engine.db.pool.query(`select data->>'resume' as resume, state from pgboss.job where data->>'runId' = $1 order by created_on`, [runId]);
    expect(settled).toEqual(expect.arrayContaining([{ resume: "true", state: "cancelled" }]));
    const later = (await operator.get(`/runs/${runId}`)).json;
    expect(later.status).toBe("cancelled");
    expect(stepOf(later, "after_call")).toBeUndefined();
    expect(stepOf(later, "after_pause")).toBeUndefined();
    expect(stepOf(later, "call").status).toBe("cancelled");

    const audit = await auditOf(runId);
    expect(audit.find((e) => e.type === "command.cancel")?.actor).toBe("user:operator@test.local");
    const again = await operator.post(`/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ state: "cancelled" });
    expect(again.json.detail).toContain("is cancelled");
  });
});

describe("retry, resume and skip", () => {
  const failing = () =>
    linear([{ id: "call", type: "http", config: { url: `${server.url}/switch` }, retry: once }, { id: "after", type: "transform", config: { output: "{{ steps.call.output.body }}" } }], {
      output: "{{ steps.after.output }}",
    });

  it("retries a failed step after the cause is fixed, and the run succeeds", async () => {
    broken = true;
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const runId = await runWorkflow(editor, await publish(editor, failing()));
    expect((await waitForRun(operator, runId)).status).toBe("failed");

    const early = await operator.post(`/runs/${runId}/steps/after/retry`);
    expect(early.status).toBe(404);
    broken = false;
    const res = await operator.post(`/runs/${runId}/steps/call/retry`);
    expect(res.status).toBe(200);
    const run = await waitForRun(operator, runId);
    expect(run).toMatchObject({ status: "succeeded", output: { fixed: true } });
    expect(stepOf(run, "call")).toMatchObject({ attempt: 2, status: "succeeded" });
    const audit = await auditOf(runId);
    expect(audit.find((e) => e.type === "command.retry_step")).toMatchObject({ actor: "user:operator@test.local", data: { nodeId: "call" } });
    expect((await operator.post(`/runs/${runId}/steps/call/retry`)).status).toBe(409);
  });

  it("resumes a failed run", async () => {
    broken = true;
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const runId = await runWorkflow(editor, await publish(editor, failing()));
    await waitForRun(operator, runId);
    broken = false;
    const res = await operator.post(`/runs/${runId}/resume`);
    expect(res.status).toBe(200);
    expect((await waitForRun(operator, runId)).status).toBe("succeeded");
    expect((await auditOf(runId)).some((e) => e.type === "command.resume" && e.actor === "user:operator@test.local")).toBe(true);
    const conflict = await operator.post(`/runs/${runId}/resume`);
    expect(conflict.status).toBe(409);
    expect(conflict.json.state).toBe("succeeded");
  });

  it("skips a failed step with a given output, which the next steps use", async () => {
    broken = true;
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const runId = await runWorkflow(editor, await publish(editor, failing()));
    await waitForRun(operator, runId);
    const res = await operator.post(`/runs/${runId}/steps/call/skip`, { output: { body: { manual: "value" } } });
    expect(res.status).toBe(200);
    const run = await waitForRun(operator, runId);
    expect(run).toMatchObject({ status: "succeeded", output: { manual: "value" } });
    expect(stepOf(run, "call")).toMatchObject({ status: "skipped", reason: "operator", output: { body: { manual: "value" } } });
    expect((await auditOf(runId)).find((e) => e.type === "command.skip_step")?.actor).toBe("user:operator@test.local");
    const letter = await engine.db.prisma.deadLetter.findFirstOrThrow({ where: { runId } });
    expect(letter.resolution).toBe("skipped");
    expect((await operator.post(`/runs/${runId}/steps/call/skip`, { output: 1 })).status).toBe(409);
  });

  it("skips a waiting delay, and asks which branch to take when skipping a condition", async () => {
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          { id: "wait", type: "delay", config: { durationMs: 60_000 } },
          { id: "check", type: "condition", config: { expression: "$number(input.flag) > 0" } },
          { id: "yes", type: "end", config: { output: "yes" } },
          { id: "no", type: "end", config: { output: "no" } },
        ],
        [
          ["start", "wait"],
          ["wait", "check"],
          ["check", "yes", "true"],
          ["check", "no", "false"],
        ],
      ),
    );
    const runId = await runWorkflow(editor, id, { flag: "not a number" });
    await waitForStep(operator, runId, "wait", ["waiting"]);
    // Skipping the wait lets the run go on at once; then the condition fails on its input.
    expect((await operator.post(`/runs/${runId}/steps/wait/skip`)).status).toBe(200);
    const failed = await waitForRun(operator, runId);
    expect(failed.status).toBe("failed");
    expect(stepOf(failed, "check")).toMatchObject({ status: "failed", error: { retryable: false } });

    const unsaid = await operator.post(`/runs/${runId}/steps/check/skip`, { output: null });
    expect(unsaid.status).toBe(422);
    expect(unsaid.json.errors).toEqual([{ path: "branch", message: "Choose the branch to take: true or false." }]);
    expect((await operator.post(`/runs/${runId}/steps/check/skip`, { output: { result: false }, branch: "false" })).status).toBe(200);
    const run = await waitForRun(operator, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "no" });
    expect(stepOf(run, "yes")).toMatchObject({ status: "skipped", reason: "branch" });
  });
});

describe("replay", () => {
  it("starts a new run that reuses outputs before the chosen step and reruns the rest", async () => {
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const id = await publish(
      editor,
      linear(
        [
          { id: "first", type: "transform", config: { output: "{{ $millis() }}" } },
          { id: "second", type: "transform", config: { output: "{{ $millis() }}" } },
        ],
        { output: { first: "{{ steps.first.output }}", second: "{{ steps.second.output }}", input: "{{ input.v }}" } },
      ),
    );
    const source = await waitForRun(editor, await runWorkflow(editor, id, { v: 1 }));
    // The replay's clock must be past the source's for "second" to differ.
    await waitFor("the clock to move past the source run", () => Date.now() > source.output.second);

    expect((await editor.post(`/runs/${source.id}/replay`, { fromNodeId: "second" })).status).toBe(403);
    const res = await operator.post(`/runs/${source.id}/replay`, { fromNodeId: "second", input: { v: 2 } });
    expect(res.status).toBe(202);
    const replay = await waitForRun(operator, res.json.id);
    expect(replay.status).toBe("succeeded");
    expect(replay.replayOf).toBe(source.id);
    expect(replay.output.first).toBe(source.output.first);
    expect(replay.output.second).toBeGreaterThan(source.output.second);
    expect(replay.output.input).toBe(2);
    expect(stepOf(replay, "first").attempts).toEqual([]);
    const audit = await auditOf(source.id);
    expect(audit.find((e) => e.type === "command.replay")).toMatchObject({ actor: "user:operator@test.local", data: { newRunId: replay.id, fromNodeId: "second" } });
    expect((await auditOf(replay.id)).filter((e) => e.type === "step.reused").length).toBe(1);

    const bad = await operator.post(`/runs/${source.id}/replay`, { fromNodeId: "nope" });
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([{ path: "fromNodeId", message: "is not a node of the run's version" }]);
  });

  it("refuses to replay a run that is still going", async () => {
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const runId = await runWorkflow(editor, await publish(editor, linear([{ id: "pause", type: "delay", config: { durationMs: 60_000 } }])));
    await waitForRun(operator, runId, ["waiting"]);
    const res = await operator.post(`/runs/${runId}/replay`, { fromNodeId: "pause" });
    expect(res.status).toBe(409);
    expect(res.json.state).toBe("waiting");
    await operator.post(`/runs/${runId}/cancel`);
  });
});

describe("commands on runs that do not exist", () => {
  it("answer 404", async () => {
    const operator = await engine.as("operator");
    const ghost = "00000000-0000-4000-8000-000000000000";
    for (const path of [`/runs/${ghost}/cancel`, `/runs/${ghost}/resume`, `/runs/${ghost}/steps/x/retry`, `/dead-letters/${ghost}/requeue`]) {
      expect((await operator.post(path)).status).toBe(404);
    }
  });
});
