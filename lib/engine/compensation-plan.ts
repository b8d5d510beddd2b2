// Which steps a failed run undoes, and in which order: pure and browser-safe, so that the engine
// runs exactly the plan the run page previews before an operator asks for it.
//
// A step is undone when it has a compensation (a "compensates" edge) and it succeeded, or, when
// marked `compensateIfFailed`, once it has started at all: its side effect may have half happened
// before it failed or was cancelled. Order: latest completed first (reverse completion order); a
// step still open (it is about to be cancelled) counts as the latest.
import { stepDefinition } from "../steps/index.ts";
import type { Graph } from "../workflow/graph.ts";
import type { CompensationOrder } from "./event-catalog.ts";

export interface PlanStep {
  nodeId: string;
  status: string;
  startedAt: Date | string | null;
  finishedAt: Date | string | null;
}

export interface UndoEntry {
  /** The step that is undone. */
  nodeId: string;
  /** The step that undoes it. */
  compensator: string;
}

const time = (t: Date | string | null) => (t === null ? Number.POSITIVE_INFINITY : new Date(t).getTime());

export function compensationPlan(graph: Pick<Graph, "nodes" | "compensator">, steps: readonly PlanStep[]): UndoEntry[] {
  const undone = steps.filter((s) => {
    if (!graph.compensator.has(s.nodeId)) return false;
    if (s.status === "succeeded") return true;
    // Skipped (by an operator, or a branch not taken) means nothing ran.
    return graph.nodes.get(s.nodeId)?.compensateIfFailed === true && s.startedAt !== null && s.status !== "skipped";
  });
  return undone
    .map((s) => ({ step: s, at: s.status === "succeeded" || s.status === "failed" || s.status === "cancelled" ? time(s.finishedAt) : Number.POSITIVE_INFINITY }))
    .sort((a, b) => b.at - a.at || (a.step.nodeId < b.step.nodeId ? 1 : -1))
    .map(({ step }) => ({ nodeId: step.nodeId, compensator: graph.compensator.get(step.nodeId)! }));
}

/** How the workflow undoes: set on its entry step (one after another unless it says parallel). */
export function compensationOrderOf(graph: Pick<Graph, "nodes">): CompensationOrder {
  const entry = [...graph.nodes.values()].find((n) => stepDefinition(n.type)?.entry);
  return (entry?.config as { compensationOrder?: CompensationOrder } | undefined)?.compensationOrder ?? "reverse";
}
