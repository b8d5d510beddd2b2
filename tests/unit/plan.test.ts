import { describe, expect, it } from "vitest";
import { planReady, type NodeState } from "../../lib/engine/plan.ts";
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
