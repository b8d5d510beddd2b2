// How an approval request's state, deadline and deciders are shown, in the inbox and on a link.
import type { ApprovalState } from "#lib/approvals/states.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { Badge, type Tone } from "../ui/badge.tsx";

const states: Record<ApprovalState, { label: string; tone: Tone }> = {
  pending_approval: { label: "Pending", tone: "warning" },
  changes_requested: { label: "Changes requested", tone: "info" },
  approved: { label: "Approved", tone: "success" },
  rejected: { label: "Rejected", tone: "danger" },
  expired: { label: "Expired", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

export function ApprovalStateBadge({ state }: { state: string }) {
  const s = states[state as ApprovalState] ?? { label: state, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

/** "due in 3 h", or "overdue 20 min" in red, while the request is open. */
export function Deadline({ at, closed, now }: { at: string | null; closed: boolean; now: number }) {
  if (!at) return <span className="text-zinc-500">no deadline</span>;
  const overdue = !closed && new Date(at).getTime() < now;
  const ago = timeAgo(at, now);
  return (
    <span title={fullTime(at)} className={overdue ? "font-medium text-red-700" : "text-zinc-700"} data-overdue={overdue || undefined}>
      {closed ? `deadline ${ago}` : overdue ? `overdue (${ago})` : `due ${inFuture(at, now)}`}
    </span>
  );
}

function inFuture(at: string, now: number): string {
  const s = Math.max(0, Math.round((new Date(at).getTime() - now) / 1000));
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 86_400) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86_400)} d`;
}

/** Who may decide, in words. */
export const decidersText = (r: { eligibleRoles: string[]; eligibleUsers: string[] }) =>
  [...r.eligibleRoles.map((role) => `${role}s`), ...r.eligibleUsers].join(", ") || "nobody";
