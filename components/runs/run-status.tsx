import { fullTime } from "#lib/client/format.ts";
import type { RunStatus } from "#lib/engine/states.ts";
import { stuckMessage, type StuckKind } from "#lib/runs/stuck-words.ts";
import { Badge, type Tone } from "../ui/badge.tsx";

/** Every run status has its tone (a status added to states.ts is a compile error here until it has one). */
export const runTone: Record<string, Tone> = {
  succeeded: "success",
  failed: "danger",
  cancelled: "neutral",
  running: "info",
  queued: "neutral",
  waiting: "accent",
  compensating: "warning",
  compensated: "neutral",
  compensation_failed: "danger",
} satisfies Record<RunStatus, Tone>;

export function RunStatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <Badge tone={runTone[status] ?? "neutral"}>
      <span data-testid={testId}>{status}</span>
    </Badge>
  );
}

/** Why a run is stuck, with the time in the reader's own zone. */
export const stuckText = (s: { nodeId: string; kind: string; since: string }) => stuckMessage(s.nodeId, s.kind as StuckKind, fullTime(s.since) ?? s.since);
