"use client";
// Time travel through the audit log: the run as it was right after one event (its status, each
// step's state, and the context a template would have seen then), stepping event by event.
import { useQuery } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { clockTime } from "#lib/client/format.ts";
import { describeEvent } from "#lib/runs/describe-event.ts";
import type { StreamEvent } from "#lib/runs/live-state.ts";
import type { RunStateAt } from "#lib/runs/state-at.ts";
import type { RunStatus } from "#lib/engine/states.ts";
import { Button } from "../ui/button.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { JsonView } from "../ui/json-view.tsx";
import { RunStatusBadge } from "./run-status.tsx";

export function StateAtDialog({ runId, events, at, onAt, nameOf }: { runId: string; events: StreamEvent[]; at: string | null; onAt(id: string | null): void; nameOf(nodeId: string): string }) {
  const state = useQuery({
    queryKey: ["run-state", runId, at],
    queryFn: () => api<RunStateAt>(`/runs/${runId}/state?at=${at}`),
    enabled: at !== null,
    staleTime: Infinity,
  });
  const index = events.findIndex((e) => e.id === at);
  const event = events[index];
  const s = state.data;
  return (
    <Dialog open={at !== null} onOpenChange={(o) => !o && onAt(null)} title="The run as it was" description={event ? `Right after event ${index + 1} of ${events.length}: ${describeEvent(event, nameOf).text} (${clockTime(event.at)})` : undefined} size="xl">
      <div className="space-y-3" data-testid="state-at">
        <div className="flex items-center gap-2">
          <Button variant="secondary" size="sm" disabled={index <= 0} onClick={() => onAt(events[index - 1].id)}>
            ← Earlier
          </Button>
          <Button variant="secondary" size="sm" disabled={index < 0 || index >= events.length - 1} onClick={() => onAt(events[index + 1].id)}>
            Later →
          </Button>
          {s ? (
            <span className="text-sm text-zinc-600">
              Run: <RunStatusBadge status={s.status as RunStatus} />
            </span>
          ) : null}
        </div>
        {state.error ? <p role="alert" className="text-sm text-red-700">{state.error.message}</p> : null}
        {s ? (
          <div className="grid gap-3 md:grid-cols-[16rem_minmax(0,1fr)]">
            <table className="h-fit text-sm" aria-label="Steps then" data-testid="state-at-steps">
              <tbody>
                {s.steps.map((step) => (
                  <tr key={step.nodeId} className="border-b border-zinc-100">
                    <td className="py-1 pr-2">{nameOf(step.nodeId)}</td>
                    <td className="py-1 text-xs text-zinc-600">
                      {step.status}
                      {step.attempt > 1 ? ` (attempt ${step.attempt})` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <JsonView label="Context then ({ input, steps, run })" value={s.context} />
          </div>
        ) : (
          <p className="text-sm text-zinc-500">Rebuilding the state…</p>
        )}
      </div>
    </Dialog>
  );
}
