// How connections are drawn, on every canvas (editor, versions, runs).
import type { Edge } from "@xyflow/react";
import { isBodyFlowEdge, isCompensationFlowEdge, type FlowEdge } from "#lib/canvas/mapping.ts";

export const plainEdge = { stroke: "#a1a1aa", strokeWidth: 1.5 };
/** A "compensates" edge: dashed amber, labelled, outside the flow. */
export const compensationEdge = { stroke: "#d97706", strokeWidth: 1.5, strokeDasharray: "6 4" };
/** An "each item" edge: dotted sky blue, labelled, outside the flow. */
export const bodyEdge = { stroke: "#0284c7", strokeWidth: 1.5, strokeDasharray: "2 4" };

/** The base look of an edge, and its name for screen readers. */
export function baseEdge(e: Pick<FlowEdge, "source" | "target" | "sourceHandle">, nameOf: (id: string) => string = (id) => id): Partial<Edge> {
  if (isCompensationFlowEdge(e)) {
    return {
      style: compensationEdge,
      label: "undo",
      labelStyle: { fill: "#92400e", fontSize: 11, fontWeight: 600 },
      labelBgStyle: { fill: "#fffbeb" },
      ariaLabel: `Compensation: ${nameOf(e.target)} undoes ${nameOf(e.source)}`,
    };
  }
  if (isBodyFlowEdge(e)) {
    return {
      style: bodyEdge,
      label: "each item",
      labelStyle: { fill: "#075985", fontSize: 11, fontWeight: 600 },
      labelBgStyle: { fill: "#f0f9ff" },
      ariaLabel: `Each item: ${nameOf(e.target)} runs once per item of ${nameOf(e.source)}`,
    };
  }
  return { style: plainEdge, ariaLabel: `Edge from ${nameOf(e.source)}${e.sourceHandle ? ` (${e.sourceHandle})` : ""} to ${nameOf(e.target)}` };
}
