"use client";
// What every canvas shows around the graph, and how it opens: grid, zoom controls, minimap,
// fitted to the workflow.
import { Background, Controls, MiniMap } from "@xyflow/react";

/**
 * Fitting a workflow to the view never zooms so far out that a step's smallest text (12 px)
 * drops below 11 px, nor so far in that a few steps look blown up: a larger workflow is shown
 * at that zoom and scrolls (drag the canvas, or scroll) instead of shrinking.
 */
export const READABLE_FIT = { minZoom: 0.95, maxZoom: 1.25, padding: 0.15 };

export const canvasProps = {
  fitView: true,
  fitViewOptions: READABLE_FIT,
  minZoom: 0.1,
  proOptions: { hideAttribution: true },
} as const;

export function CanvasChrome() {
  return (
    <>
      <Background gap={20} color="#e4e4e7" />
      <Controls showInteractive={false} fitViewOptions={READABLE_FIT} />
      <MiniMap pannable zoomable ariaLabel="Minimap" nodeColor="#c7d2fe" nodeStrokeColor="#6366f1" maskColor="rgba(244, 244, 245, 0.7)" className="!hidden !border !border-zinc-200 !bg-white md:!block" />
    </>
  );
}
