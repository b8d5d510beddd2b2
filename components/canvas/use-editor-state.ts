"use client";
// The editor's document: React Flow nodes and edges, with undo/redo. History records changes a
// person makes (add, connect, delete, configure, move when the drag ends, paste, layout), not
// selection or drag frames.
import { useCallback, useReducer } from "react";
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import { cloneFragment, newNodeId, toFlow, type FlowEdge, type FlowNode, type StepNodeData } from "#lib/canvas/mapping.ts";
import { layout } from "#lib/canvas/layout.ts";
import { pasteOffset } from "#lib/canvas/placement.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { stepDefinition } from "#lib/steps/index.ts";

interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

interface State extends Snapshot {
  past: Snapshot[];
  future: Snapshot[];
  /** Bumped on every change to the document (not selection): autosave watches it. */
  version: number;
  /** The document before the drag in progress began: what undo returns to. */
  dragOrigin?: Snapshot;
  /** The step added last: where the next one added without a drop point goes beside. */
  lastAdded?: string;
}

type Action =
  | { type: "nodes"; changes: NodeChange<FlowNode>[] }
  | { type: "edges"; changes: EdgeChange<FlowEdge>[] }
  | { type: "connect"; connection: Connection }
  | { type: "add"; stepType: string; position: { x: number; y: number }; config: Record<string, unknown>; link?: AddLink }
  | { type: "update"; id: string; patch: Partial<StepNodeData> }
  | { type: "rename-id"; id: string; to: string }
  | { type: "delete-selection" }
  | { type: "delete"; nodeIds: string[]; edgeIds: string[] }
  | { type: "paste"; nodes: FlowNode[]; edges: FlowEdge[] }
  | { type: "layout" }
  | { type: "select"; ids: string[] }
  | { type: "replace"; definition: Definition }
  | { type: "undo" }
  | { type: "redo" };

/** How a step added by quick add joins the graph: after a step's output, or into a connection. */
export type AddLink = { after: { source: string; sourceHandle?: string | null } } | { into: string };

const HISTORY = 100;

const edgeId = (source: string, sourceHandle: string | null | undefined, target: string) => `e_${source}_${sourceHandle ?? "out"}_${target}`;

function commit(state: State, next: Snapshot): State {
  return { ...next, past: [...state.past, { nodes: state.nodes, edges: state.edges }].slice(-HISTORY), future: [], version: state.version + 1 };
}

const unselect = <T extends { selected?: boolean }>(items: T[]) => items.map((i) => (i.selected ? { ...i, selected: false } : i));

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "nodes": {
      const nodes = applyNodeChanges(action.changes, state.nodes) as FlowNode[];
      const removed = new Set(action.changes.flatMap((c) => (c.type === "remove" ? [c.id] : [])));
      const edges = removed.size ? state.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) : state.edges;
      // A move enters history once, when the drag ends, undoing to where the drag began.
      const dragging = action.changes.some((c) => c.type === "position" && c.dragging === true);
      const dropped = action.changes.some((c) => c.type === "position" && c.dragging === false);
      if (dragging) return { ...state, nodes, edges, dragOrigin: state.dragOrigin ?? { nodes: state.nodes, edges: state.edges } };
      if (dropped || removed.size) {
        const before = state.dragOrigin ?? { nodes: state.nodes, edges: state.edges };
        return { nodes, edges, past: [...state.past, before].slice(-HISTORY), future: [], version: state.version + 1 };
      }
      return { ...state, nodes, edges };
    }
    case "edges": {
      const edges = applyEdgeChanges(action.changes, state.edges) as FlowEdge[];
      return action.changes.some((c) => c.type === "remove") ? commit(state, { nodes: state.nodes, edges }) : { ...state, edges };
    }
    case "connect": {
      const { source, target, sourceHandle } = action.connection;
      if (!source || !target) return state;
      const id = edgeId(source, sourceHandle, target);
      if (state.edges.some((e) => e.id === id)) return state;
      const edge: FlowEdge = { id, source, target, ...(sourceHandle ? { sourceHandle } : {}) };
      return commit(state, { nodes: state.nodes, edges: [...state.edges, edge] });
    }
    case "add": {
      const id = newNodeId(action.stepType, state.nodes.map((n) => n.id));
      const node: FlowNode = { id, type: "step", position: action.position, data: { stepType: action.stepType, config: structuredClone(action.config) }, selected: true };
      // Added, connected or spliced in: one change, one undo.
      return { ...commit(state, { nodes: [...unselect(state.nodes), node], edges: linkEdges(unselect(state.edges), id, action.stepType, action.link) }), lastAdded: id };
    }
    case "update":
      return commit(state, {
        nodes: state.nodes.map((n) => (n.id === action.id ? { ...n, data: { ...n.data, ...action.patch } } : n)),
        edges: state.edges,
      });
    case "rename-id": {
      if (state.nodes.some((n) => n.id === action.to)) return state;
      const swap = (id: string) => (id === action.id ? action.to : id);
      return commit(state, {
        nodes: state.nodes.map((n) => (n.id === action.id ? { ...n, id: action.to } : n)),
        edges: state.edges.map((e) => ({ ...e, source: swap(e.source), target: swap(e.target) })),
      });
    }
    case "delete-selection":
      return reducer(state, { type: "delete", nodeIds: state.nodes.filter((n) => n.selected).map((n) => n.id), edgeIds: state.edges.filter((e) => e.selected).map((e) => e.id) });
    case "delete": {
      // Steps and edges go together, as one undoable change.
      const gone = new Set(action.nodeIds);
      const goneEdges = new Set(action.edgeIds);
      const edges = state.edges.filter((e) => !goneEdges.has(e.id) && !gone.has(e.source) && !gone.has(e.target));
      if (gone.size === 0 && edges.length === state.edges.length) return state;
      return commit(state, { nodes: state.nodes.filter((n) => !gone.has(n.id)), edges });
    }
    case "paste":
      return commit(state, { nodes: [...unselect(state.nodes), ...action.nodes], edges: [...unselect(state.edges), ...action.edges] });
    case "layout":
      return commit(state, { nodes: layout(state.nodes, state.edges), edges: state.edges });
    case "select": {
      const ids = new Set(action.ids);
      return { ...state, nodes: state.nodes.map((n) => ({ ...n, selected: ids.has(n.id) })), edges: unselect(state.edges) };
    }
    case "replace": {
      const flow = toFlow(action.definition);
      return { ...flow, past: [], future: [], version: state.version + 1 };
    }
    case "undo": {
      const previous = state.past.at(-1);
      if (!previous) return state;
      return { ...previous, past: state.past.slice(0, -1), future: [{ nodes: state.nodes, edges: state.edges }, ...state.future], version: state.version + 1 };
    }
    case "redo": {
      const next = state.future[0];
      if (!next) return state;
      return { ...next, past: [...state.past, { nodes: state.nodes, edges: state.edges }], future: state.future.slice(1), version: state.version + 1 };
    }
  }
}

/** The edges once step `id` joins the graph as `link` says (unchanged without a link). */
function linkEdges(edges: FlowEdge[], id: string, stepType: string, link: AddLink | undefined): FlowEdge[] {
  if (!link) return edges;
  const edge = (source: string, sourceHandle: string | null | undefined, target: string): FlowEdge => ({ id: edgeId(source, sourceHandle, target), source, target, ...(sourceHandle ? { sourceHandle } : {}) });
  if ("after" in link) return [...edges, edge(link.after.source, link.after.sourceHandle, id)];
  const split = edges.find((e) => e.id === link.into);
  const step = stepDefinition(stepType);
  // A step with no way in or no way out cannot sit inside a connection: it is only added.
  if (!split || !step?.acceptsInput || step.outputs.length === 0) return edges;
  const out = step.outputs.length > 1 ? step.outputs[0] : null;
  return [...edges.filter((e) => e !== split), edge(split.source, split.sourceHandle, id), edge(id, out, split.target)];
}

export function useEditorState(initial: Definition) {
  const [state, dispatch] = useReducer(reducer, initial, (d) => ({ ...toFlow(d), past: [], future: [], version: 0 }));
  const copy = useCallback(
    () => ({ nodes: state.nodes.filter((n) => n.selected), edges: state.edges.filter((e) => e.selected) }),
    [state.nodes, state.edges],
  );
  const paste = useCallback(
    (fragment: { nodes: FlowNode[]; edges: FlowEdge[] }) => {
      if (fragment.nodes.length === 0) return;
      dispatch({ type: "paste", ...cloneFragment(fragment.nodes, fragment.edges, state.nodes.map((n) => n.id), pasteOffset(fragment.nodes, state.nodes)) });
    },
    [state.nodes],
  );
  return { state, dispatch, copy, paste, canUndo: state.past.length > 0, canRedo: state.future.length > 0 };
}
