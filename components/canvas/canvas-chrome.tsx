"use client";
// What every canvas shows around the graph, and how it opens: grid, zoom controls, minimap,
// fitted to the workflow.
import { Background, Controls, MiniMap } from "@xyflow/react";

export const canvasProps = {
  fitView: true,
  fitViewOptions: { maxZoom: 1.1, padding: 0.2 },
  minZoom: 0.1,
  proOptions: { hideAttribution: true },
} as const;

export function CanvasChrome() {
  return (
    <>
      <Background gap={20} color="#e4e4e7" />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable ariaLabel="Minimap" nodeColor="#c7d2fe" nodeStrokeColor="#6366f1" maskColor="rgba(244, 244, 245, 0.7)" className="!border !border-zinc-200 !bg-white" />
    </>
  );
}
