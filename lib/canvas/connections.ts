// Whether a connection may be drawn, and if not, why, in a sentence about the steps involved.
// Pure: the editor shows the sentence by the cursor when a drag is refused, and uses the same
// rule to mark handles valid while dragging.
import { stepDefinition } from "../steps/index.ts";
import { isBodyFlowEdge, isCompensationFlowEdge, isOutOfFlowEdge, type FlowEdge, type FlowNode } from "./mapping.ts";

export interface ProposedConnection {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
}

const nameOf = (nodes: readonly FlowNode[], id: string) => {
  const n = nodes.find((x) => x.id === id);
  return n?.data.name || id;
};

/** The path from `from` to `to` along edges, if there is one (both ends included). */
function pathBetween(edges: readonly FlowEdge[], from: string, to: string): string[] | null {
  const out = new Map<string, string[]>();
  for (const e of edges) if (!isOutOfFlowEdge(e)) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const previous = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const id = queue.shift()!;
    if (id === to) {
      const path = [to];
      while (path[0] !== from) path.unshift(previous.get(path[0])!);
      return path;
    }
    for (const next of out.get(id) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      previous.set(next, id);
      queue.push(next);
    }
  }
  return null;
}

export function connectionRefusal(c: ProposedConnection, nodes: readonly FlowNode[], edges: readonly FlowEdge[]): string | null {
  if (!c.source || !c.target) return null;
  if (c.source === c.target) return `A step cannot connect to itself.`;
  const target = nodes.find((n) => n.id === c.target);
  const targetType = target ? stepDefinition(target.data.stepType) : undefined;
  if (targetType && !targetType.acceptsInput) return `${targetType.label} is where a run begins: nothing connects into it.`;
  if (isCompensationFlowEdge(c)) return compensationRefusal(c.source, c.target, nodes, edges);
  if (isBodyFlowEdge(c)) return bodyRefusal(c.source, c.target, nodes, edges);
  const undoer = [c.source, c.target].find((id) => edges.some((e) => isCompensationFlowEdge(e) && e.target === id));
  if (undoer) return `“${nameOf(nodes, undoer)}” undoes a step: it runs only when a run fails, outside the normal flow.`;
  const perItem = [c.source, c.target].find((id) => edges.some((e) => isBodyFlowEdge(e) && e.target === id));
  if (perItem) return `“${nameOf(nodes, perItem)}” runs once per item of its For each step, outside the normal flow; connect what comes next to the For each step.`;
  if (edges.some((e) => e.source === c.source && e.target === c.target && (e.sourceHandle ?? null) === (c.sourceHandle ?? null))) {
    return `“${nameOf(nodes, c.source)}” is already connected to “${nameOf(nodes, c.target)}”.`;
  }
  const back = pathBetween(edges, c.target, c.source);
  if (back) {
    const loop = [...back, c.target].map((id) => nameOf(nodes, id)).join(" → ");
    return `That connection would close a loop (${loop}). A workflow runs forward only; repeat work with a loop step instead.`;
  }
  return null;
}

/** A "compensates" connection: from a step to the step that undoes it (one each way), which
 * stays outside the normal flow and neither branches nor ends the run. */
function compensationRefusal(source: string, target: string, nodes: readonly FlowNode[], edges: readonly FlowEdge[]): string | null {
  const step = (id: string) => stepDefinition(nodes.find((n) => n.id === id)?.data.stepType ?? "");
  const compensations = edges.filter(isCompensationFlowEdge);
  if (step(source)?.entry) return `${step(source)!.label} changes nothing outside, so there is nothing to undo.`;
  if (compensations.some((e) => e.target === source)) return `“${nameOf(nodes, source)}” undoes a step; a compensation is not undone in turn.`;
  const existing = compensations.find((e) => e.source === source);
  if (existing) return `“${nameOf(nodes, source)}” is already undone by “${nameOf(nodes, existing.target)}”.`;
  if (compensations.some((e) => e.target === target)) return `“${nameOf(nodes, target)}” already undoes another step.`;
  if (edges.some((e) => !isOutOfFlowEdge(e) && (e.source === target || e.target === target))) {
    return `“${nameOf(nodes, target)}” is in the normal flow; a compensation runs only when a run fails. Add a separate step to undo with.`;
  }
  const undoer = step(target);
  if (undoer?.exit) return `${undoer.label} ends a run; undo with a step that does something.`;
  if ((undoer?.outputs.length ?? 1) > 1) return `${undoer!.label} branches; a compensation has nowhere to branch to.`;
  return null;
}

/** An "each item" connection: from a for-each to the one step it runs per item, which stays
 * outside the normal flow and neither branches, ends the run, nor loops itself. */
function bodyRefusal(source: string, target: string, nodes: readonly FlowNode[], edges: readonly FlowEdge[]): string | null {
  const step = (id: string) => stepDefinition(nodes.find((n) => n.id === id)?.data.stepType ?? "");
  const bodies = edges.filter(isBodyFlowEdge);
  const existing = bodies.find((e) => e.source === source);
  if (existing) return `“${nameOf(nodes, source)}” already runs “${nameOf(nodes, existing.target)}” per item.`;
  if (bodies.some((e) => e.target === target)) return `“${nameOf(nodes, target)}” already runs per item of another For each step.`;
  if (edges.some((e) => isCompensationFlowEdge(e) && (e.source === target || e.target === target))) return `“${nameOf(nodes, target)}” is part of a compensation; an item is not undone on its own.`;
  if (edges.some((e) => !isOutOfFlowEdge(e) && (e.source === target || e.target === target))) {
    return `“${nameOf(nodes, target)}” is in the normal flow; the step run per item stands apart. Add a separate step.`;
  }
  const body = step(target);
  if (body?.exit) return `${body.label} ends a run; run a step that does something per item.`;
  if ((body?.outputs.length ?? 1) > 1) return `${body!.label} branches; an item has nowhere to branch to.`;
  if (body?.itemBody) return `${body.label} runs per item itself; put the inner loop in a workflow and run that per item.`;
  return null;
}
