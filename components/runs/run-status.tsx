import { Badge, type Tone } from "../ui/badge.tsx";

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
};

export function RunStatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <Badge tone={runTone[status] ?? "neutral"}>
      <span data-testid={testId}>{status}</span>
    </Badge>
  );
}
