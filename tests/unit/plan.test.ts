import { describe, expect, it } from "vitest";
import { planReady, type NodeState } from "../../lib/engine/plan.ts";
import { compensationPlan } from "../../lib/engine/compensation-plan.ts";
import { buildGraph, topologicalOrder } from "../../lib/workflow/graph.ts";

function setup(edges: [string, string, string?][], branching: string[] = []) {
  const ids = [...new Set(edges.flatMap(([a, b]) => [a, b]))];
  const graph = buildGraph({
    nodes: ids.map((id) => ({ id, type: "x", position: { x: 0, y: 0 }, config: {} })),
    edges: edges.map(([source, target, sourceHandle], i) => ({ id: `e${i}`, source, target, sourceHandle })),
  });
  const order = topologicalOrder(graph);
  return (states: Record<string, NodeState>) => planReady(graph, order, new Map(Object.entries(states)), (id) => (branching.includes(id) ? 2 : 1));
}

const done: NodeState = { status: "succeeded" };

describe("planReady", () => {
  it("queues the nodes after a finished one, in parallel", () => {
    const plan = setup([["start", "a"], ["start", "b"], ["a", "c"]]);
    expect(plan({ start: done })).toEqual({ queue: ["a", "b"], skip: [] });
  });

  it("holds a join until every incoming branch has finished", () => {
    const plan = setup([["start", "a"], ["start", "b"], ["a", "join"], ["b", "join"]]);
    expect(plan({ start: done, a: done, b: { status: "running" } }).queue).toEqual([]);
    expect(plan({ start: done, a: done, b: done }).queue).toEqual(["join"]);
  });

  it("skips the branch not taken, all the way down, and still runs the join", () => {
    const plan = setup([["start", "c"], ["c", "yes", "true"], ["c", "no", "false"], ["no", "no2"], ["yes", "join"], ["no2", "join"]], ["c"]);
    const p = plan({ start: done, c: { status: "succeeded", branch: "true" } });
    expect(p).toEqual({ queue: ["yes"], skip: ["no", "no2"] });
    const afterYes = plan({ start: done, c: { status: "succeeded", branch: "true" }, yes: done, no: { status: "skipped", reason: "branch" }, no2: { status: "skipped", reason: "branch" } });
    expect(afterYes).toEqual({ queue: ["join"], skip: [] });
  });

  it("skips a join whose every branch was skipped", () => {
    const plan = setup([["start", "c"], ["c", "a", "true"], ["c", "b", "true"], ["a", "j"], ["b", "j"], ["c", "z", "false"]], ["c"]);
    expect(plan({ start: done, c: { status: "succeeded", branch: "false" } })).toEqual({ queue: ["z"], skip: ["a", "b", "j"] });
  });

  it("treats an operator's skip like a success, on the branch it names", () => {
    const plan = setup([["start", "c"], ["c", "yes", "true"], ["c", "no", "false"]], ["c"]);
    expect(plan({ start: done, c: { status: "skipped", reason: "operator", branch: "false" } })).toEqual({ queue: ["no"], skip: ["yes"] });
  });

  it("decides nothing after a failed or cancelled node", () => {
    const plan = setup([["start", "a"], ["a", "b"], ["start", "c"], ["c", "b"]]);
    expect(plan({ start: done, a: { status: "failed" }, c: done })).toEqual({ queue: [], skip: [] });
    expect(plan({ start: done, a: { status: "cancelled" }, c: done })).toEqual({ queue: [], skip: [] });
  });
});

describe("compensationPlan", () => {
  const graph = buildGraph({
    nodes: ["a", "b", "c", "d", "ua", "ub", "uc"].map((id) => ({ id, type: "x", position: { x: 0, y: 0 }, config: {}, ...(id === "c" ? { compensateIfFailed: true } : {}) })),
    edges: [
      { id: "1", source: "a", target: "b" },
      { id: "2", source: "b", target: "c" },
      { id: "3", source: "c", target: "d" },
      { id: "ca", source: "a", target: "ua", kind: "compensation" },
      { id: "cb", source: "b", target: "ub", kind: "compensation" },
      { id: "cc", source: "c", target: "uc", kind: "compensation" },
    ],
  });
  const step = (nodeId: string, status: string, finished: number | null, started: number | null = finished) => ({
    nodeId,
    status,
    startedAt: started === null ? null : new Date(started),
    finishedAt: finished === null ? null : new Date(finished),
  });

  it("keeps compensation edges out of the flow", () => {
    expect(graph.outgoing.get("a")!.map((e) => e.target)).toEqual(["b"]);
    expect(graph.incoming.get("ua")).toEqual([]);
    expect(graph.compensator.get("b")).toBe("ub");
    expect(graph.compensates.get("ub")).toBe("b");
  });

  it("undoes succeeded steps latest completed first, whatever their order in the graph", () => {
    expect(compensationPlan(graph, [step("a", "succeeded", 2), step("b", "succeeded", 1), step("d", "failed", 3)])).toEqual([
      { nodeId: "a", compensator: "ua" },
      { nodeId: "b", compensator: "ub" },
    ]);
  });

  it("undoes a failed or cancelled step only when marked compensate-if-failed and it had started", () => {
    expect(compensationPlan(graph, [step("a", "succeeded", 1), step("b", "failed", 2)]).map((e) => e.nodeId)).toEqual(["a"]);
    expect(compensationPlan(graph, [step("a", "succeeded", 1), step("b", "succeeded", 2), step("c", "failed", 3)]).map((e) => e.nodeId)).toEqual(["c", "b", "a"]);
    expect(compensationPlan(graph, [step("a", "succeeded", 1), step("c", "cancelled", 3, null)]).map((e) => e.nodeId)).toEqual(["a"]);
  });

  it("counts a step still open as the latest (it is about to be cancelled), and skips what an operator skipped", () => {
    expect(compensationPlan(graph, [step("a", "succeeded", 5), step("c", "running", null, 1)]).map((e) => e.nodeId)).toEqual(["c", "a"]);
    expect(compensationPlan(graph, [step("a", "skipped", 5), step("b", "succeeded", 1)]).map((e) => e.nodeId)).toEqual(["b"]);
  });
});
