// Definition ↔ canvas. The canvas (React Flow) holds nodes and edges with step data; the
// definition is what the API stores. Pure and lossless both ways (tested).
import type { Definition, RetryPolicyInput, WorkflowEdge, WorkflowNode } from "../workflow/definition.ts";
import type { StepProgress } from "../engine/event-catalog.ts";

export interface StepNodeData {
  [key: string]: unknown;
  stepType: string;
  name?: string;
  config: Record<string, unknown>;
  retry?: RetryPolicyInput;
  timeoutMs?: number;
  compensateIfFailed?: boolean;
  dependency?: string;
  concurrency?: { key?: string; limit: number };
  /** Run view: a for-each step's items so far, not saved. */
  progress?: StepProgress | null;
  /** Run view: why a queued step waits (its dependency's breaker is open), not saved. */
  held?: string;
  /** Sagas: the step this one undoes (from its "compensates" edge), not saved. */
  undoes?: string;
  undoesName?: string;
  /** Sagas: another step undoes this one, not saved. */
  compensated?: boolean;
  /** For-each: the for-each step this one runs per item of (its "each item" edge), not saved. */
  perItemOf?: string;
  perItemOfName?: string;
  /** For-each: a step is drawn on this one's "each item" edge, not saved. */
  hasBody?: boolean;
  /** Validation problems of this node, for its badge (filled by the editor, not saved). */
  problems?: string[];
  /** Run view: the step's state, not saved. */
  status?: string;
  /** Run view: attempts, the next retry and why the step is stuck, not saved. */
  attempt?: number;
  maxAttempts?: number;
  nextAttemptAt?: string | null;
  stuck?: string;
}

export interface FlowNode {
  id: string;
  type: "step";
  position: { x: number; y: number };
  /** A fixed size, when known without measuring (read-only canvases). */
  width?: number;
  height?: number;
  data: StepNodeData;
  selected?: boolean;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  selected?: boolean;
}

/** On the canvas a "compensates" edge leaves from this handle of the step it undoes (drawn
 * below the step, dashed); in the definition it is an edge of kind "compensation". */
export const COMPENSATION_HANDLE = "compensation";

export const isCompensationFlowEdge = (e: { sourceHandle?: string | null }) => e.sourceHandle === COMPENSATION_HANDLE;

/** On the canvas an "each item" edge leaves from this handle of a for-each (below it, dotted); in
 * the definition it is an edge of kind "body". */
export const BODY_HANDLE = "each-item";

export const isBodyFlowEdge = (e: { sourceHandle?: string | null }) => e.sourceHandle === BODY_HANDLE;

/** Edges nothing runs along while a run goes forward: compensations and for-each bodies. */
export const isOutOfFlowEdge = (e: { sourceHandle?: string | null }) => isCompensationFlowEdge(e) || isBodyFlowEdge(e);

/** For each step that undoes another, the step it undoes. */
export function undoneBy(edges: readonly { source: string; target: string; sourceHandle?: string | null }[]): Map<string, string> {
  return new Map(edges.filter(isCompensationFlowEdge).map((e) => [e.target, e.source]));
}

/** What a step's card shows of the edges outside the flow: the step it undoes (by name), or that
 * it is undone; the for-each it runs per item of, or that a step runs per item of it. */
export function outOfFlowData(edges: readonly { source: string; target: string; sourceHandle?: string | null }[], nameOf: (id: string) => string) {
  const undoes = undoneBy(edges);
  const undone = new Set(undoes.values());
  const bodies = edges.filter(isBodyFlowEdge);
  const perItemOf = new Map(bodies.map((e) => [e.target, e.source]));
  const loops = new Set(bodies.map((e) => e.source));
  return (id: string): Pick<StepNodeData, "undoes" | "undoesName" | "compensated" | "perItemOf" | "perItemOfName" | "hasBody"> => {
    const original = undoes.get(id);
    const loop = perItemOf.get(id);
    return {
      ...(original ? { undoes: original, undoesName: nameOf(original) } : undone.has(id) ? { compensated: true } : {}),
      ...(loop ? { perItemOf: loop, perItemOfName: nameOf(loop) } : loops.has(id) ? { hasBody: true } : {}),
    };
  };
}

export function toFlow(definition: Definition): { nodes: FlowNode[]; edges: FlowEdge[] } {
  return {
    nodes: definition.nodes.map((n) => ({
      id: n.id,
      type: "step",
      position: { ...n.position },
      data: {
        stepType: n.type,
        config: structuredClone(n.config ?? {}),
        ...(n.name !== undefined ? { name: n.name } : {}),
        ...(n.retry ? { retry: { ...n.retry } } : {}),
        ...(n.timeoutMs !== undefined ? { timeoutMs: n.timeoutMs } : {}),
        ...(n.compensateIfFailed ? { compensateIfFailed: true } : {}),
        ...(n.dependency ? { dependency: n.dependency } : {}),
        ...(n.concurrency ? { concurrency: { ...n.concurrency } } : {}),
      },
    })),
    edges: definition.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      ...(e.kind === "compensation" ? { sourceHandle: COMPENSATION_HANDLE } : e.kind === "body" ? { sourceHandle: BODY_HANDLE } : e.sourceHandle ? { sourceHandle: e.sourceHandle } : {}),
    })),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

export function toDefinition(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Definition {
  return {
    nodes: nodes.map((n): WorkflowNode => ({
      id: n.id,
      type: n.data.stepType,
      ...(n.data.name ? { name: n.data.name } : {}),
      position: { x: round(n.position.x), y: round(n.position.y) },
      config: n.data.config ?? {},
      ...(n.data.retry && Object.keys(n.data.retry).length ? { retry: n.data.retry } : {}),
      ...(n.data.timeoutMs !== undefined ? { timeoutMs: n.data.timeoutMs } : {}),
      ...(n.data.compensateIfFailed ? { compensateIfFailed: true } : {}),
      ...(n.data.dependency ? { dependency: n.data.dependency } : {}),
      ...(n.data.concurrency ? { concurrency: n.data.concurrency } : {}),
    })),
    edges: edges.map((e): WorkflowEdge => ({
      id: e.id,
      source: e.source,
      target: e.target,
      ...(isCompensationFlowEdge(e) ? { kind: "compensation" as const } : isBodyFlowEdge(e) ? { kind: "body" as const } : e.sourceHandle ? { sourceHandle: e.sourceHandle } : {}),
    })),
  };
}

/** A node id for a new step of `type` not used by any of `taken` (ids are template names). */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) {
    const id = `${type}_${i}`;
    if (!used.has(id)) return id;
  }
}

/** Copies of nodes (and the edges among them) with fresh ids, shifted by `offset`. */
export function cloneFragment(nodes: FlowNode[], edges: FlowEdge[], taken: Iterable<string>, offset = { x: 40, y: 40 }) {
  const used = new Set(taken);
  const ids = new Map<string, string>();
  for (const n of nodes) {
    const id = newNodeId(n.data.stepType, used);
    used.add(id);
    ids.set(n.id, id);
  }
  const copied = nodes.map((n) => ({
    ...n,
    id: ids.get(n.id)!,
    position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
    data: structuredClone({ ...n.data, problems: undefined }),
    selected: true,
  }));
  const copiedEdges = edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => ({ ...e, id: `e_${ids.get(e.source)}_${e.sourceHandle ?? "out"}_${ids.get(e.target)}`, source: ids.get(e.source)!, target: ids.get(e.target)!, selected: true }));
  return { nodes: copied, edges: copiedEdges };
}

/** Nodes upstream of `id` (its ancestors): the outputs its templates may use. */
export function ancestors(id: string, edges: readonly FlowEdge[]): string[] {
  const into = new Map<string, string[]>();
  // A step run per item reads what its for-each reads; the for-each ends after it.
  for (const e of edges) if (!isBodyFlowEdge(e)) into.set(e.target, [...(into.get(e.target) ?? []), e.source]);
  for (const e of edges) if (isBodyFlowEdge(e)) into.set(e.target, [...(into.get(e.target) ?? []), ...(into.get(e.source) ?? [])]);
  const seen = new Set<string>();
  const stack = [...(into.get(id) ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(into.get(n) ?? []));
  }
  return [...seen];
}
