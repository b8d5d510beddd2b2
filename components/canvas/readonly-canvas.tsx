"use client";
// A workflow drawn read-only: for old versions, version diffs and runs. `decorate` adds per-node
// data such as a diff mark or a step state; `decorateEdge` styles edges (changed, path taken).
import "@xyflow/react/dist/style.css";
import { useMemo } from "react";
import { ReactFlow, ReactFlowProvider, type Edge } from "@xyflow/react";
import { outOfFlowData, toFlow, type FlowNode, type StepNodeData } from "#lib/canvas/mapping.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { nodeTypes } from "./step-node.tsx";
import { CanvasChrome, canvasProps } from "./canvas-chrome.tsx";
import { baseEdge } from "./edge-styles.ts";

interface Props {
  definition: Definition;
  decorate?: (nodeId: string) => Partial<StepNodeData> | undefined;
  decorateEdge?: (edge: { source: string; target: string; sourceHandle?: string | null }) => Partial<Edge> | undefined;
  onSelect?: (nodeId: string | null) => void;
  /** The node to show as selected (the page owns the selection, e.g. in its URL). */
  selectedId?: string | null;
}

export function ReadonlyCanvas(props: Props) {
  return (
    <ReactFlowProvider>
      <Inner {...props} />
    </ReactFlowProvider>
  );
}

function Inner({ definition, decorate, decorateEdge, onSelect, selectedId }: Props) {
  const flow = useMemo(() => toFlow(definition), [definition]);
  const names = useMemo(() => new Map(definition.nodes.map((n) => [n.id, n.name || n.id])), [definition]);
  const nodes = useMemo(() => {
    const sagas = outOfFlowData(flow.edges, (id) => names.get(id) ?? id);
    // Steps have a fixed size; saying so lets the minimap draw them without measuring.
    return flow.nodes.map((n): FlowNode => ({ ...n, width: 220, height: 64, selected: selectedId === n.id, data: { ...n.data, ...sagas(n.id), ...decorate?.(n.id) } }));
  }, [flow, decorate, selectedId, names]);
  const edges = useMemo(
    () => flow.edges.map((e): Edge => ({ ...e, ...baseEdge(e, (id) => names.get(id) ?? id), ...decorateEdge?.(e) })),
    [flow, decorateEdge, names],
  );
  return (
    <ReactFlow<FlowNode, Edge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      deleteKeyCode={null}
      // Nodes are controlled (rebuilt from props), so a click, not React Flow's selection, selects.
      onNodeClick={(_, n) => onSelect?.(n.id)}
      {...canvasProps}
    >
      <CanvasChrome />
    </ReactFlow>
  );
}
