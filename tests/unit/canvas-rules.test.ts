// The editor's pure rules for connections and placement.
import { searchSteps } from "../../lib/canvas/step-search.ts";
import { describe, expect, it } from "vitest";
import { connectionRefusal } from "../../lib/canvas/connections.ts";
import { pasteOffset, placeBeside } from "../../lib/canvas/placement.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "../../lib/canvas/layout.ts";
import { ancestors, outOfFlowData, toDefinition, toFlow, type FlowEdge, type FlowNode } from "../../lib/canvas/mapping.ts";

const step = (id: string, x = 0, y = 0, stepType = "transform", name?: string): FlowNode => ({ id, type: "step", position: { x, y }, data: { stepType, config: {}, ...(name ? { name } : {}) } });

describe("connectionRefusal", () => {
  const nodes = [step("start", 0, 0, "start"), step("a", 300, 0, "transform", "Charge card"), step("b", 600, 0)];
  const edges: FlowEdge[] = [{ id: "1", source: "start", target: "a" }, { id: "2", source: "a", target: "b" }];

  it("allows a forward connection", () => {
    expect(connectionRefusal({ source: "start", target: "b" }, nodes, edges)).toBeNull();
  });

  it("says why it refuses a loop, naming the steps on it", () => {
    expect(connectionRefusal({ source: "b", target: "a" }, nodes, edges)).toBe("That connection would close a loop (Charge card → b → Charge card). A workflow runs forward only; repeat work with a loop step instead.");
    expect(connectionRefusal({ source: "b", target: "b" }, nodes, edges)).toBe("A step cannot connect to itself.");
  });

  it("refuses a connection into Start and a second one between the same handles", () => {
    expect(connectionRefusal({ source: "b", target: "start" }, nodes, edges)).toBe("Start is where a run begins: nothing connects into it.");
    expect(connectionRefusal({ source: "a", target: "b" }, nodes, edges)).toBe("“Charge card” is already connected to “b”.");
  });
});

describe("compensation connections", () => {
  const nodes = [step("start", 0, 0, "start"), step("a", 300, 0, "http", "Reserve hotel"), step("b", 600, 0, "http", "Charge card"), step("undo", 300, 200, "http", "Release hotel"), step("spare", 600, 200, "http"), step("if", 900, 200, "condition"), step("end", 900, 0, "end")];
  const edges: FlowEdge[] = [
    { id: "1", source: "start", target: "a" },
    { id: "2", source: "a", target: "b" },
    { id: "3", source: "b", target: "end" },
    { id: "u", source: "a", target: "undo", sourceHandle: "compensation" },
  ];
  const undo = (source: string, target: string) => connectionRefusal({ source, target, sourceHandle: "compensation" }, nodes, edges);

  it("allows a step outside the flow to undo a step", () => {
    expect(undo("b", "spare")).toBeNull();
  });

  it("says why it refuses the others", () => {
    expect(undo("start", "spare")).toBe("Start changes nothing outside, so there is nothing to undo.");
    expect(undo("a", "spare")).toBe("“Reserve hotel” is already undone by “Release hotel”.");
    expect(undo("b", "undo")).toBe("“Release hotel” already undoes another step.");
    expect(undo("undo", "spare")).toBe("“Release hotel” undoes a step; a compensation is not undone in turn.");
    expect(undo("b", "end")).toBe("“end” is in the normal flow; a compensation runs only when a run fails. Add a separate step to undo with.");
    expect(undo("b", "if")).toBe("Condition branches; a compensation has nowhere to branch to.");
  });

  it("keeps a compensation out of the normal flow, both ways", () => {
    expect(connectionRefusal({ source: "b", target: "undo" }, nodes, edges)).toBe("“Release hotel” undoes a step: it runs only when a run fails, outside the normal flow.");
    expect(connectionRefusal({ source: "undo", target: "b" }, nodes, edges)).toBe("“Release hotel” undoes a step: it runs only when a run fails, outside the normal flow.");
  });
});

describe("each item connections", () => {
  const nodes = [step("start", 0, 0, "start"), step("loop", 300, 0, "for_each", "Every order"), step("bill", 300, 200, "http", "Bill order"), step("spare", 600, 200, "http"), step("if", 900, 200, "condition"), step("inner", 900, 400, "for_each"), step("end", 600, 0, "end"), step("undo", 0, 400, "http", "Refund")];
  const edges: FlowEdge[] = [
    { id: "1", source: "start", target: "loop" },
    { id: "2", source: "loop", target: "end" },
    { id: "b", source: "loop", target: "bill", sourceHandle: "each-item" },
    { id: "u", source: "start", target: "undo", sourceHandle: "compensation" },
  ];
  const body = (source: string, target: string) => connectionRefusal({ source, target, sourceHandle: "each-item" }, nodes, edges);

  it("round-trips as an edge of kind body, and puts the step's reads after what its for-each reads", () => {
    const definition = toDefinition(nodes, edges);
    expect(definition.edges.find((e) => e.id === "b")).toEqual({ id: "b", source: "loop", target: "bill", kind: "body" });
    expect(toFlow(definition).edges.find((e) => e.id === "b")).toEqual(edges[2]);
    // Not the for-each's own output: it ends after its items.
    expect(ancestors("bill", edges).sort()).toEqual(["start"]);
    expect(outOfFlowData(edges, (id) => id)("bill")).toEqual({ perItemOf: "loop", perItemOfName: "loop" });
    expect(outOfFlowData(edges, (id) => id)("loop")).toEqual({ hasBody: true });
  });

  it("says why it refuses a second body, a step in the flow, one that branches, ends, loops or undoes", () => {
    expect(body("loop", "spare")).toBe("“Every order” already runs “Bill order” per item.");
    expect(body("inner", "bill")).toBe("“Bill order” already runs per item of another For each step.");
    expect(body("inner", "end")).toBe("“end” is in the normal flow; the step run per item stands apart. Add a separate step.");
    expect(body("inner", "if")).toBe("Condition branches; an item has nowhere to branch to.");
    expect(body("inner", "undo")).toBe("“Refund” is part of a compensation; an item is not undone on its own.");
    expect(body("inner", "spare")).toBeNull();
    expect(connectionRefusal({ source: "bill", target: "end" }, nodes, edges)).toBe("“Bill order” runs once per item of its For each step, outside the normal flow; connect what comes next to the For each step.");
  });
});

describe("placement", () => {
  const overlap = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;

  it("puts a step to the right of its anchor, level with it when free", () => {
    const anchor = step("a", 100, 100);
    expect(placeBeside([anchor], anchor, { x: 0, y: 0 })).toEqual({ x: 100 + NODE_WIDTH + 60, y: 100 });
  });

  it("moves down and up the column, then to the next, until nothing overlaps", () => {
    const anchor = step("a", 0, 0);
    const taken = [anchor, step("b", NODE_WIDTH + 60, 0), step("c", NODE_WIDTH + 60, NODE_HEIGHT + 30)];
    const spot = placeBeside(taken, anchor, { x: 0, y: 0 });
    expect(taken.some((n) => overlap(spot, n.position))).toBe(false);
    expect(spot.x).toBe(NODE_WIDTH + 60);
  });

  it("shifts a pasted fragment clear of the steps it was copied from", () => {
    const nodes = [step("a", 0, 0), step("b", 280, 0)];
    const offset = pasteOffset(nodes, nodes);
    for (const f of nodes) for (const n of nodes) expect(overlap({ x: f.position.x + offset.x, y: f.position.y + offset.y }, n.position)).toBe(false);
  });
});

describe("finding a step type", () => {
  it("puts name matches before description matches, and leaves out what cannot be added", () => {
    expect(searchSteps("end", { hasEntry: true }).map((d) => d.type)).toEqual(["end", "http", "email"]);
    expect(searchSteps("", { hasEntry: true }).map((d) => d.type)).not.toContain("start");
    expect(searchSteps("sta", { hasEntry: false, needsInput: true }).map((d) => d.type)).not.toContain("start");
    expect(searchSteps("teleport", { hasEntry: false })).toEqual([]);
  });
});
