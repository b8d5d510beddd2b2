"use client";
// Everything that happened to the run, newest first, with who did it: the run's events as
// streamed. Operator commands stand out; a filter shows them alone. Each event opens the run's
// state as it was right after it.
import { useState } from "react";
import { clockTime, fullTime } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import { actorName, describeEvent, eventKindOf, type EventKind } from "#lib/runs/describe-event.ts";
import type { StreamEvent } from "#lib/runs/live-state.ts";
import { StateAtDialog } from "./state-at-dialog.tsx";

const kindTone: Record<EventKind, string> = { command: "bg-indigo-50", run: "bg-zinc-50", step: "", approval: "bg-violet-50", callback: "bg-zinc-50" };

export function AuditLog({ runId, events, onSelect, nameOf }: { runId: string; events: StreamEvent[]; onSelect(nodeId: string): void; nameOf(nodeId: string): string }) {
  const [onlyCommands, setOnlyCommands] = useState(false);
  const [stateAt, setStateAt] = useState<string | null>(null);
  const shown = events.filter((e) => !onlyCommands || eventKindOf(e.type) === "command").toReversed();
  return (
    <div className="text-xs">
      <div className="sticky top-0 flex items-center justify-between border-b border-zinc-200 bg-white px-4 py-1.5">
        <span className="text-zinc-500">{events.length} events</span>
        <label className="flex items-center gap-1.5 text-zinc-700">
          <input type="checkbox" checked={onlyCommands} onChange={(e) => setOnlyCommands(e.target.checked)} />
          Operator actions only
        </label>
      </div>
      <table className="w-full" aria-label="Audit log" data-testid="audit-log">
        <tbody>
          {shown.map((e) => {
            const d = describeEvent(e, nameOf);
            return (
              <tr key={e.position} data-event-id={e.id} data-event-type={e.type} className={cx("border-b border-zinc-100", kindTone[d.kind])}>
                <td className="w-28 px-4 py-1 whitespace-nowrap text-zinc-500 tabular-nums" title={fullTime(e.at)}>
                  {clockTime(e.at)}
                </td>
                <td className="px-2 py-1 text-zinc-800">
                  {d.kind === "command" ? <span className="mr-1 rounded bg-indigo-600 px-1 text-[10px] font-semibold text-white uppercase">operator</span> : null}
                  {e.nodeId ? (
                    <button type="button" className="text-left hover:underline" onClick={() => onSelect(e.nodeId!)}>
                      {d.text}
                    </button>
                  ) : (
                    d.text
                  )}
                </td>
                <td className="w-56 truncate px-4 py-1 text-right text-zinc-500" data-testid="event-actor">
                  {actorName(e.actor)}
                </td>
                <td className="w-16 pr-3 text-right">
                  <button type="button" className="rounded px-1.5 py-0.5 text-indigo-700 hover:bg-indigo-50" onClick={() => setStateAt(e.id)} aria-label={`The run's state after: ${d.text}`} title="The run as it was right after this event">
                    state
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <StateAtDialog runId={runId} events={events} at={stateAt} onAt={setStateAt} nameOf={nameOf} />
    </div>
  );
}
