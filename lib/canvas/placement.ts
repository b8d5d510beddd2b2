// Where a step added without a drop point goes: beside the selected or last-added step, to its
// right, moving down (then further right) until it overlaps no other step. Pure.
import { stepDefinition } from "../steps/index.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";
import type { FlowNode } from "./mapping.ts";

const GAP_X = 60;
const GAP_Y = 30;
/** Beside a step with named branches, room for their labels and "+" buttons (step-node.tsx). */
const BRANCH_LABELS_X = 110;

interface Box {
  x: number;
  y: number;
}

const overlaps = (a: Box, b: Box) => Math.abs(a.x - b.x) < NODE_WIDTH + GAP_X / 2 && Math.abs(a.y - b.y) < NODE_HEIGHT + GAP_Y / 2;

/** A free position beside `anchor` (or at `fallback` when there is none). */
export function placeBeside(nodes: readonly FlowNode[], anchor: FlowNode | undefined, fallback: Box): Box {
  const labels = anchor && (stepDefinition(anchor.data.stepType)?.outputs.length ?? 1) > 1 ? BRANCH_LABELS_X : 0;
  const start = anchor ? { x: anchor.position.x + NODE_WIDTH + GAP_X + labels, y: anchor.position.y } : fallback;
  for (let column = 0; column < 50; column++) {
    for (let row = 0; row < 8; row++) {
      // Down the column first (0, +1, -1, +2, -2 ...), so the step stays level when it can.
      const step = row % 2 === 1 ? (row + 1) / 2 : -row / 2;
      const spot = { x: start.x + column * (NODE_WIDTH + GAP_X), y: start.y + step * (NODE_HEIGHT + GAP_Y) };
      if (!nodes.some((n) => overlaps(spot, n.position))) return spot;
    }
  }
  return start;
}

/** How far to move a pasted fragment so that none of it overlaps a step already there. */
export function pasteOffset(fragment: readonly FlowNode[], nodes: readonly FlowNode[]): Box {
  for (let k = 1; k < 100; k++) {
    const offset = { x: 40, y: k * (NODE_HEIGHT + GAP_Y) };
    if (!fragment.some((f) => nodes.some((n) => overlaps({ x: f.position.x + offset.x, y: f.position.y + offset.y }, n.position)))) return offset;
  }
  return { x: 40, y: 40 };
}
