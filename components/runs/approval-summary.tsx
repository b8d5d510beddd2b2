"use client";
// On the run page, an approval step's request: its state, who it waits on, and a link to decide.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { approvalsKey, type ApprovalsPage } from "#lib/client/queries.ts";
import { ApprovalStateBadge, decidersText } from "../approvals/approval-state.tsx";

export function ApprovalSummary({ runId, nodeId, status }: { runId: string; nodeId: string; status: string }) {
  // Refetched when the step's status changes (a decision, an expiry).
  const { data } = useQuery({ queryKey: [...approvalsKey, "run", runId, status], queryFn: () => api<ApprovalsPage>(`/approvals?status=all&runId=${runId}&limit=20`) });
  const request = data?.approvals.find((a) => a.nodeId === nodeId);
  if (!request) return null;
  return (
    <div className="space-y-1 rounded-md border border-violet-200 bg-violet-50 p-2.5 text-sm" data-testid="step-panel-approval">
      <div className="flex items-center justify-between gap-2">
        <span className="font-medium text-violet-950">{request.title}</span>
        <ApprovalStateBadge state={request.state} />
      </div>
      <p className="text-xs text-violet-900">
        {request.closedAt === null ? `Waits on ${decidersText(request)} · ` : ""}
        {request.approvals} of {request.quorum} approvals
      </p>
      <Link href={`/approvals?tab=${request.closedAt === null ? "open" : "decided"}&id=${request.id}`} className="text-xs font-medium text-indigo-700 hover:underline">
        Open the request →
      </Link>
    </div>
  );
}
