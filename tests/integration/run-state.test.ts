// Time travel through the audit log: the run's state right after an event, rebuilt from the
// events up to it, at three points of a run (a step done, a step waiting, the run done), each
// matching what the run's templates saw then; and the requests that must be refused.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine?.stop();
});

it("shows the context and the steps' states as they were after each of three events", async () => {
  const viewer = await engine.as("viewer");
  const editor = await engine.as("editor");
  const workflowId = await publish(
    editor,
    linear(
      [
        { id: "a", type: "transform", config: { output: { n: "{{ input.n + 1 }}" } } },
        { id: "pause", type: "delay", config: { durationMs: 300 } },
        // What this step saw is kept as its output: the state API must agree with it.
        { id: "b", type: "transform", config: { output: { doubled: "{{ steps.a.output.n * 2 }}", sawPause: "{{ $exists(steps.pause) }}", attempt: "{{ run.attempt }}" } } },
      ],
      { output: "{{ steps.b.output }}" },
    ),
  );
  const runId = await runWorkflow(editor, workflowId, { n: 4 });
  const run = await waitForRun(editor, runId);
  expect(run.output).toEqual({ doubled: 10, sawPause: true, attempt: 1 });
  const { events } = (await viewer.get(`/runs/${runId}/events`)).json as { events: { id: string; type: string; nodeId: string | null }[] };
  const idOf = (type: string, nodeId: string | null) => events.find((e) => e.type === type && e.nodeId === nodeId)!.id;
  const stateAt = async (id: string) => (await viewer.get(`/runs/${runId}/state?at=${id}`)).json;

  // The run is marked started in the transaction that recorded a's result, just after it.
  const afterA = await stateAt(idOf("run.started", null));
  expect(afterA.status).toBe("running");
  expect(afterA.context).toEqual({ input: { n: 4 }, steps: { start: { output: { n: 4 } }, a: { output: { n: 5 } } }, run: { id: runId, workflowId, attempt: 1 } });
  expect(afterA.steps.map((s: { nodeId: string; status: string }) => [s.nodeId, s.status])).toEqual([["start", "succeeded"], ["a", "succeeded"]]);

  const waiting = await stateAt(idOf("step.waiting", "pause"));
  expect(waiting.steps.find((s: { nodeId: string }) => s.nodeId === "pause").status).toBe("waiting");
  expect(Object.keys(waiting.context.steps)).toEqual(["start", "a"]);

  // What b's templates saw: a and the pause done, so b's own output can be derived from it.
  const beforeB = await stateAt(idOf("step.queued", "b"));
  expect(beforeB.context.steps.a.output.n * 2).toBe(run.output.doubled);
  expect("pause" in beforeB.context.steps).toBe(run.output.sawPause);
  const done = await stateAt(idOf("run.succeeded", null));
  expect(done.status).toBe("succeeded");
  expect(done.context.steps.b.output).toEqual(run.output);
  expect(done.event).toMatchObject({ type: "run.succeeded", index: events.length - 1, of: events.length });

  expect((await viewer.get(`/runs/${runId}/state?at=999999999`)).status).toBe(404);
  const bad = await viewer.get(`/runs/${runId}/state?at=first`);
  expect(bad.status).toBe(400);
  expect(bad.json.errors[0].path).toBe("query.at");
});
