// Which nodes become ready when steps finish: pure, so it can be tested without a database.
// A node is decided once every node with an edge into it is finished. It runs if at least one
// incoming edge is live (its source succeeded, on the handle it took); otherwise it is skipped
// and the skip flows on (dead-path elimination), so a join after a condition never hangs.
import type { Graph } from "../workflow/graph.ts";
import type { StepStatus } from "./states.ts";

export interface NodeState {
  status: StepStatus;
  /** The handle a branching step took. */
  branch?: string | null;
  /** Why a step was skipped: "branch" (not taken) or "operator" (skipped with an output). */
  reason?: string | null;
}

export interface Plan {
  queue: string[];
  skip: string[];
}

const DONE: readonly StepStatus[] = ["succeeded", "skipped", "failed", "cancelled"];

/** Whether the edge from a finished source carries the run on. */
function live(source: NodeState, handle: string | undefined, outputs: number): boolean {
  const completed = source.status === "succeeded" || (source.status === "skipped" && source.reason === "operator");
  if (!completed) return false;
  return outputs <= 1 || handle === (source.branch ?? undefined);
}

/**
 * @param order nodes in topological order
 * @param outputsOf number of output handles of a node's step type
 */
export function planReady(graph: Graph, order: readonly string[], states: ReadonlyMap<string, NodeState>, outputsOf: (nodeId: string) => number): Plan {
  const known = new Map(states);
  const plan: Plan = { queue: [], skip: [] };
  for (const id of order) {
    if (known.has(id)) continue;
    const incoming = graph.incoming.get(id) ?? [];
    if (incoming.length === 0) continue; // the start node is created with the run
    const sources = incoming.map((e) => ({ edge: e, state: known.get(e.source) }));
    if (sources.some((s) => !s.state || !DONE.includes(s.state.status))) continue;
    // A failed or cancelled source stops the run; nothing after it is decided.
    if (sources.some((s) => s.state!.status === "failed" || s.state!.status === "cancelled")) continue;
    if (sources.some((s) => live(s.state!, s.edge.sourceHandle, outputsOf(s.edge.source)))) {
      plan.queue.push(id);
      known.set(id, { status: "queued" });
    } else {
      plan.skip.push(id);
      known.set(id, { status: "skipped", reason: "branch" });
    }
  }
  return plan;
}
