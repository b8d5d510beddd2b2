// How each step state looks on a node (run view). Text labels carry the meaning; colour helps.
export interface StatusStyle {
  label: string;
  card: string;
  badge: string;
}

const styles: Record<string, StatusStyle> = {
  pending: { label: "pending", card: "", badge: "bg-zinc-100 text-zinc-600" },
  queued: { label: "queued", card: "border-zinc-400", badge: "bg-zinc-100 text-zinc-700" },
  running: { label: "running", card: "border-sky-500 ring-2 ring-sky-400/50", badge: "bg-sky-100 text-sky-800" },
  retry_scheduled: { label: "retrying", card: "border-amber-500 ring-2 ring-amber-400/40", badge: "bg-amber-100 text-amber-800" },
  waiting: { label: "waiting", card: "border-violet-400", badge: "bg-violet-100 text-violet-800" },
  succeeded: { label: "succeeded", card: "border-emerald-500 bg-emerald-50", badge: "bg-emerald-100 text-emerald-800" },
  failed: { label: "failed", card: "border-red-500 bg-red-50", badge: "bg-red-100 text-red-800" },
  skipped: { label: "skipped", card: "border-dashed opacity-60", badge: "bg-zinc-100 text-zinc-500" },
  cancelled: { label: "cancelled", card: "border-zinc-400 opacity-70", badge: "bg-zinc-200 text-zinc-700" },
  // A replay's step that kept the source run's output instead of running.
  reused: { label: "reused", card: "border-dashed border-teal-500 bg-teal-50", badge: "bg-teal-100 text-teal-800" },
};

/** The state a step shows: a replay's reused step is "reused", whatever state it copied. */
export const shownStatus = (step: { status: string; reusedFrom?: string | null }): string => (step.reusedFrom ? "reused" : step.status);

export const statusStyle = (status: string): StatusStyle => styles[status] ?? styles.pending;
