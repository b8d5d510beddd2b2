"use client";
// One approval request as people decide on it: what is asked, the data (and what changed since
// the previous submission), who it waits on, its deadline, and its tamper-evident history.
import Link from "next/link";
import type { ReactNode } from "react";
import { jsonDiff } from "#lib/client/json-diff.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import type { ApprovalDetail } from "#lib/client/queries.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { JsonView } from "../ui/json-view.tsx";
import { useNow } from "../live/use-now.ts";
import { ApprovalStateBadge, Deadline, decidersText } from "./approval-state.tsx";

const VERBS: Record<string, string> = {
  request: "requested",
  approve: "approved",
  reject: "rejected",
  request_changes: "requested changes",
  resubmit: "resubmitted",
  escalate: "escalated",
  expire: "expired it",
  cancel: "cancelled it",
};

export function RequestView({ request, children, runLink = true }: { request: Omit<ApprovalDetail, "you">; children?: ReactNode; runLink?: boolean }) {
  const approvals = request.approvedBy.length;
  const changes = request.previousData === null ? [] : jsonDiff(request.previousData, request.data);
  const now = useNow(request.closedAt === null, 15_000);
  return (
    <article aria-label={`Approval request: ${request.title}`} className="space-y-4">
      <header className="space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="text-lg font-semibold text-zinc-900">{request.title}</h2>
          <ApprovalStateBadge state={request.state} />
          <span data-testid="chain" className={request.chainVerified ? "text-xs text-emerald-700" : "text-xs font-medium text-red-700"}>
            {request.chainVerified ? "✓ history verified" : "⚠ history does not verify: a decision row was changed"}
          </span>
        </div>
        {request.description ? <p className="whitespace-pre-wrap text-sm text-zinc-700">{request.description}</p> : null}
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">Requested by</dt>
        <dd>
          {actorName(request.requestedBy)} <span className="text-zinc-500" title={fullTime(request.createdAt)}>{timeAgo(request.createdAt)}</span>
        </dd>
        <dt className="text-zinc-500">Decided by</dt>
        <dd>
          {decidersText(request)}
          {request.escalations > 0 ? <span className="ml-1 text-amber-800">(escalated)</span> : null}
        </dd>
        <dt className="text-zinc-500">Approvals</dt>
        <dd data-testid="approvals-count">
          {approvals} of {request.quorum}
        </dd>
        <dt className="text-zinc-500">Deadline</dt>
        <dd>
          <Deadline at={request.deadlineAt} closed={request.closedAt !== null} now={now} />
          {request.reminders > 0 ? <span className="ml-2 text-xs text-zinc-500">{request.reminders} reminder{request.reminders === 1 ? "" : "s"} sent</span> : null}
        </dd>
        {runLink ? (
          <>
            <dt className="text-zinc-500">Run</dt>
            <dd>
              <Link href={`/runs/${request.runId}?step=${encodeURIComponent(request.nodeId)}`} className="font-mono text-indigo-700 hover:underline">
                {request.runId.slice(0, 8)} · {request.nodeId}
              </Link>
            </dd>
          </>
        ) : null}
      </dl>
      <JsonView value={request.data} label={`Data under review${request.dataVersion > 1 ? ` (version ${request.dataVersion})` : ""}`} />
      {changes.length > 0 ? (
        <section aria-label="Changes since the previous submission" className="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm">
          <h3 className="mb-1 font-medium text-sky-900">Changed since the previous submission</h3>
          <ul className="space-y-0.5 font-mono text-xs">
            {changes.map((c) => (
              <li key={c.path}>
                <span className="text-violet-700">{c.path}</span>:{" "}
                {c.kind === "added" ? (
                  <ins className="bg-emerald-100 no-underline">{JSON.stringify(c.after)}</ins>
                ) : c.kind === "removed" ? (
                  <del className="bg-red-100">{JSON.stringify(c.before)}</del>
                ) : (
                  <>
                    <del className="bg-red-100">{JSON.stringify(c.before)}</del> → <ins className="bg-emerald-100 no-underline">{JSON.stringify(c.after)}</ins>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {children}
      <section aria-label="History">
        <h3 className="mb-1 text-sm font-medium text-zinc-800">History</h3>
        <ol className="space-y-1.5 text-sm">
          {request.decisions.map((d) => (
            <li key={d.seq} className="rounded-md bg-zinc-50 px-2.5 py-1.5">
              <span className="font-medium">{actorName(d.actor)}</span>
              {d.role ? <span className="text-zinc-500"> ({d.role})</span> : null} {VERBS[d.decision] ?? d.decision}
              <span className="text-zinc-500" title={fullTime(d.at)}>
                {" "}
                · {timeAgo(d.at)}
              </span>
              {d.comment ? <p className="text-zinc-700">“{d.comment}”</p> : null}
              <p className="font-mono text-[10px] text-zinc-400" title={`data ${d.dataHash}\nprevious ${d.prevHash ?? "none"}\nrow ${d.hash}`}>
                #{d.seq} {d.fromState || "·"} → {d.toState} · {d.hash.slice(0, 12)}
              </p>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
