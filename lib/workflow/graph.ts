// Graph queries over a definition: pure, shared by validation, the engine and the editor.
import type { Definition, WorkflowEdge, WorkflowNode } from "./definition.ts";

export interface Graph {
  nodes: Map<string, WorkflowNode>;
  /** The normal flow: compensation and body edges are not in these. */
  outgoing: Map<string, WorkflowEdge[]>;
  incoming: Map<string, WorkflowEdge[]>;
  /** Sagas: the node that undoes each node that has one (its "compensates" edge). */
  compensator: Map<string, string>;
  /** ...and the other way: the node each compensating node undoes. */
  compensates: Map<string, string>;
  /** For-each: the node drawn on each for-each's "each item" edge, run once per item. */
  body: Map<string, string>;
  /** ...and the other way: the for-each each body node runs for. */
  bodyOf: Map<string, string>;
}

export const isCompensationEdge = (edge: Pick<WorkflowEdge, "kind">) => edge.kind === "compensation";
export const isBodyEdge = (edge: Pick<WorkflowEdge, "kind">) => edge.kind === "body";

export function buildGraph(definition: Pick<Definition, "nodes" | "edges">): Graph {
  const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
  const outgoing = new Map<string, WorkflowEdge[]>(definition.nodes.map((n) => [n.id, []]));
  const incoming = new Map<string, WorkflowEdge[]>(definition.nodes.map((n) => [n.id, []]));
  const compensator = new Map<string, string>();
  const compensates = new Map<string, string>();
  const body = new Map<string, string>();
  const bodyOf = new Map<string, string>();
  // Validation allows one each way; a draft with more keeps the first.
  const link = (forward: Map<string, string>, back: Map<string, string>, edge: WorkflowEdge) => {
    if (!forward.has(edge.source)) forward.set(edge.source, edge.target);
    if (!back.has(edge.target)) back.set(edge.target, edge.source);
  };
  for (const edge of definition.edges) {
    if (!nodes.has(edge.source) || !nodes.has(edge.target)) continue;
    if (isCompensationEdge(edge)) {
      link(compensator, compensates, edge);
      continue;
    }
    if (isBodyEdge(edge)) {
      link(body, bodyOf, edge);
      continue;
    }
    outgoing.get(edge.source)!.push(edge);
    incoming.get(edge.target)!.push(edge);
  }
  return { nodes, outgoing, incoming, compensator, compensates, body, bodyOf };
}

/** The steps a run can take: its nodes but the compensations and the for-each bodies (whose passes
 * are their for-each's items). Run progress counts to it. */
export const stepsTotal = (graph: Graph) => graph.nodes.size - graph.compensates.size - graph.bodyOf.size;

/** Every node reachable from `from` along edges, `from` included. */
export function reachable(graph: Graph, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || !graph.nodes.has(id)) continue;
    seen.add(id);
    for (const e of graph.outgoing.get(id) ?? []) stack.push(e.target);
  }
  return seen;
}

/** An edge that closes a cycle, with the cycle's node ids, or null for an acyclic graph. */
export function findCycle(graph: Graph): { edge: WorkflowEdge; path: string[] } | null {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): { edge: WorkflowEdge; path: string[] } | null => {
    state.set(id, "visiting");
    path.push(id);
    for (const edge of graph.outgoing.get(id) ?? []) {
      const s = state.get(edge.target);
      if (s === "visiting") return { edge, path: [...path.slice(path.indexOf(edge.target)), edge.target] };
      if (!s) {
        const found = visit(edge.target);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, "done");
    return null;
  };
  for (const id of graph.nodes.keys()) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return null;
}

/** Nodes in an order where every node comes after all its predecessors (graph must be acyclic). */
export function topologicalOrder(graph: Graph): string[] {
  const indegree = new Map([...graph.nodes.keys()].map((id) => [id, graph.incoming.get(id)!.length]));
  const ready = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const e of graph.outgoing.get(id)!) {
      const d = indegree.get(e.target)! - 1;
      indegree.set(e.target, d);
      if (d === 0) ready.push(e.target);
    }
  }
  return order;
}
