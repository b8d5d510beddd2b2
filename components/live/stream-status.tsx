"use client";
// Whether a page is receiving live updates. Announced politely to screen readers.
import { cx } from "#lib/client/cx.ts";
import type { StreamState } from "./use-event-stream.ts";

const look: Record<StreamState, { text: string; dot: string; className: string }> = {
  live: { text: "Live", dot: "bg-emerald-500", className: "text-emerald-700" },
  connecting: { text: "Connecting…", dot: "bg-zinc-400", className: "text-zinc-500" },
  reconnecting: { text: "Disconnected: reconnecting…", dot: "bg-amber-500 animate-pulse", className: "text-amber-800 bg-amber-50 ring-1 ring-amber-200" },
};

export function StreamStatus({ state }: { state: StreamState }) {
  const l = look[state];
  return (
    <span role="status" data-testid="stream-state" data-state={state} className={cx("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium", l.className)}>
      <span aria-hidden className={cx("size-2 rounded-full", l.dot)} />
      {l.text}
    </span>
  );
}
