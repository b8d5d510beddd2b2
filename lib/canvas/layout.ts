// Auto-layout: layered, left to right (dagre). Node sizes are the canvas's step card size.
import dagre from "@dagrejs/dagre";
import { stepDefinition } from "../steps/index.ts";
import type { FlowEdge, FlowNode } from "./mapping.ts";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;
/** A card with three branches or more is taller (components/canvas/step-node.tsx). */
export const nodeHeight = (stepType: string) => ((stepDefinition(stepType)?.outputs.length ?? 1) > 2 ? 96 : NODE_HEIGHT);

export function layout(nodes: FlowNode[], edges: FlowEdge[]): FlowNode[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: nodeHeight(n.data.stepType) });
  // A branch's edge gets two ranks' room: the branch's name and "+" are drawn beside the node
  // (components/canvas/step-node.tsx), and edges carry no label of their own.
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target, { minlen: e.sourceHandle ? 2 : 1 });
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, position: { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - nodeHeight(n.data.stepType) / 2) } };
  });
}
