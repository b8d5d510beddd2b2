"use client";
// The page of a decision link: the request, and the decision as a POST (the only thing that
// decides, and spends the link).
import { useState } from "react";
import { api } from "#lib/client/api.ts";
import type { ApprovalDetail, ApprovalLinkView } from "#lib/client/queries.ts";
import { fullTime } from "#lib/client/format.ts";
import { ApprovalStateBadge } from "./approval-state.tsx";
import { DecisionForm } from "./decision-form.tsx";
import { RequestView } from "./request-view.tsx";

export function LinkDecision({ token, opened }: { token: string; opened: ApprovalLinkView }) {
  const [request, setRequest] = useState(opened.request);
  const [done, setDone] = useState(false);
  const problem = done ? null : (opened.problem ?? (request.closedAt || request.state !== "pending_approval" ? `This request is ${request.state.replaceAll("_", " ")}; it waits for no decision.` : null));
  return (
    <RequestView request={request} runLink={false}>
      <p className="text-sm text-zinc-600">
        This link is for <strong>{opened.email}</strong> and decides once; it expires <span title={fullTime(opened.expiresAt)}>{new Date(opened.expiresAt).toLocaleString()}</span>.
      </p>
      {done ? (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Your decision is recorded. The request is now <ApprovalStateBadge state={request.state} />
        </p>
      ) : problem ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {problem}
        </p>
      ) : (
        <DecisionForm
          refusals={{ approve: null, reject: null, request_changes: null }}
          onDecide={async (decision, comment) => {
            setRequest(await api<ApprovalDetail>(`/approval-links/${token}/decisions`, { body: { decision, ...(comment ? { comment } : {}) } }));
            setDone(true);
          }}
        />
      )}
    </RequestView>
  );
}
