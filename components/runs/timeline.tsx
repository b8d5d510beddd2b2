"use client";
// The run as a Gantt chart: a row per step, a light bar while it was queued and a bar per
// attempt, coloured by how the attempt ended; gaps between attempts are backoff waits.
import { duration } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import { isFinishedRun } from "#lib/engine/states.ts";
import type { RunView, StepView } from "#lib/runs/live-state.ts";
import { useNow } from "../live/use-now.ts";

const attemptColour: Record<string, string> = {
  running: "bg-sky-500",
  succeeded: "bg-emerald-500",
  failed: "bg-red-500",
  crashed: "bg-red-400",
  timed_out: "bg-red-400",
  waiting: "bg-violet-400",
  cancelled: "bg-zinc-400",
  interrupted: "bg-amber-400",
  held: "bg-orange-300",
};

const ms = (iso: string | null | undefined) => (iso ? new Date(iso).getTime() : null);

export function Timeline({
  run,
  selected,
  onSelect,
  nameOf,
  rank,
  undoes,
}: {
  run: RunView;
  selected: string | null;
  onSelect(nodeId: string): void;
  nameOf(nodeId: string): string;
  rank(nodeId: string): number;
  /** The step a compensation undoes: its row is drawn in the compensation colour. */
  undoes(nodeId: string): string | undefined;
}) {
  const active = !isFinishedRun(run.status);
  const now = useNow(active, 500);
  const start = ms(run.createdAt)!;
  const end = Math.max(active ? now : (ms(run.finishedAt) ?? now), start + 1);
  const span = end - start;
  const x = (t: number) => `${((Math.min(Math.max(t, start), end) - start) / span) * 100}%`;
  const w = (a: number, b: number) => `max(2px, ${((Math.min(b, end) - Math.max(a, start)) / span) * 100}%)`;
  const steps = run.steps
    .filter((s) => s.queuedAt || s.startedAt)
    // Steps queued in one transaction share a time: graph order breaks the tie.
    .toSorted((a, b) => (ms(a.queuedAt ?? a.startedAt) ?? 0) - (ms(b.queuedAt ?? b.startedAt) ?? 0) || rank(a.nodeId) - rank(b.nodeId) || a.iteration - b.iteration);
  if (steps.length === 0) return <p className="p-4 text-sm text-zinc-500">No step has started yet.</p>;
  const ticks = [0, 0.25, 0.5, 0.75, 1];

  return (
    <div className="px-4 py-2 text-xs md:min-w-[560px]" data-testid="timeline">
      <div className="relative mr-16 ml-24 h-5 md:mr-20 md:ml-36 border-b border-zinc-200 text-[11px] text-zinc-600">
        {ticks.map((t) => (
          <span key={t} className={cx("absolute whitespace-nowrap", t === 0 ? "" : t === 1 ? "-translate-x-full" : "-translate-x-1/2", (t === 0.25 || t === 0.75) && "hidden md:inline")} style={{ left: `${t * 100}%` }}>
            +{duration(span * t)}
          </span>
        ))}
      </div>
      <ol>
        {steps.map((s) => {
          const undone = undoes(s.nodeId);
          return (
          <li key={s.id} data-compensation={undone ? "true" : undefined}>
            <button
              type="button"
              onClick={() => onSelect(s.nodeId)}
              className={cx("flex h-6 w-full items-center rounded text-left hover:bg-zinc-50", selected === s.nodeId && "bg-indigo-50", undone && "bg-amber-50/60")}
            >
              <span className={cx("w-24 shrink-0 truncate pr-2 md:w-36", undone ? "text-amber-900" : "text-zinc-700")} title={undone ? `${s.nodeId}: undoes ${nameOf(undone)}` : s.nodeId}>
                {undone ? <span aria-hidden>↩ </span> : null}
                {nameOf(s.nodeId)}
                {undone ? <span className="sr-only"> (undoes {nameOf(undone)})</span> : null}
              </span>
              <span className="sr-only">, {s.status}, </span>
              <span className="relative h-3.5 flex-1">
                {ticks.slice(1, -1).map((t) => (
                  <span key={t} aria-hidden className="absolute inset-y-0 border-l border-dashed border-zinc-100" style={{ left: `${t * 100}%` }} />
                ))}
                {s.queuedAt ? (
                  <span className="absolute inset-y-1 rounded-sm bg-zinc-200" style={{ left: x(ms(s.queuedAt)!), width: w(ms(s.queuedAt)!, ms(s.attempts[0]?.startedAt ?? s.startedAt) ?? ms(s.finishedAt) ?? now) }} />
                ) : null}
                {s.waitUntil || s.status === "waiting" ? <WaitBar step={s} now={now} x={x} w={w} /> : null}
                {s.attempts.map((a) => {
                  const from = ms(a.startedAt)!;
                  const to = ms(a.finishedAt) ?? now;
                  return (
                    <span
                      key={a.attempt}
                      title={`attempt ${a.attempt}: ${a.status}, ${duration(to - from)}`}
                      className={cx("absolute inset-y-0 rounded-sm", undone && a.status === "succeeded" ? "bg-amber-500" : (attemptColour[a.status] ?? "bg-zinc-400"), a.status === "running" && "animate-pulse")}
                      style={{ left: x(from), width: w(from, to) }}
                    />
                  );
                })}
              </span>
              <span className="w-16 shrink-0 pl-2 text-right tabular-nums text-zinc-600 md:w-20">{label(s, now)}</span>
            </button>
          </li>
          );
        })}
      </ol>
    </div>
  );
}

/** A step waiting (a delay, an approval) after its attempt handed over: the wait itself. */
function WaitBar({ step, now, x, w }: { step: StepView; now: number; x(t: number): string; w(a: number, b: number): string }) {
  const last = step.attempts.at(-1);
  const from = ms(last?.finishedAt) ?? ms(step.startedAt);
  if (from === null) return null;
  const to = ms(step.finishedAt) ?? now;
  return <span title={`waiting ${duration(to - from)}`} className="absolute inset-y-0.5 rounded-sm bg-violet-200" style={{ left: x(from), width: w(from, to) }} />;
}

function label(s: StepView, now: number): string {
  const started = ms(s.attempts[0]?.startedAt ?? s.startedAt);
  if (!started) return s.status;
  return duration((ms(s.finishedAt) ?? now) - started);
}
