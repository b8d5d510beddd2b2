"use client";
// The approvals inbox: requests waiting on me, all open, decided; the selected request beside
// the list with its data, changes, history and the decision. Live: any approval event on the
// runs stream refreshes the lists, so a request decided elsewhere leaves "Waiting on me".
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { cx } from "#lib/client/cx.ts";
import { timeAgo } from "#lib/client/format.ts";
import { approvalQuery, approvalsKey, approvalsQuery, approvalTabs, approvalsWaitingQuery, type ApprovalDetail, type ApprovalTab } from "#lib/client/queries.ts";
import { replaceSearch } from "#lib/client/url-state.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Button } from "../ui/button.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { ApprovalIcon } from "../ui/icons.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { StreamStatus } from "../live/stream-status.tsx";
import { useNow } from "../live/use-now.ts";
import { useRunsStream } from "../runs/use-runs-stream.ts";
import { ApprovalStateBadge, Deadline } from "./approval-state.tsx";
import { DecisionForm } from "./decision-form.tsx";
import { LinkMaker } from "./link-maker.tsx";
import { useCan } from "../shell/current-user.tsx";
import { RequestView } from "./request-view.tsx";

export function Inbox() {
  const params = useSearchParams();
  const tab = (params.get("tab") ?? "mine") as ApprovalTab;
  const selected = params.get("id");
  const list = useInfiniteQuery(approvalsQuery(tab in approvalTabs ? tab : "mine"));
  const waiting = useQuery(approvalsWaitingQuery()).data?.count;
  const { stream } = useRunsStream([approvalsKey], 300);
  const now = useNow(true, 15_000);
  const rows = list.data?.pages.flatMap((p) => p.approvals) ?? [];
  const status = tab === "decided" ? "decided" : "open";

  return (
    <>
      <PageHeader
        title="Approvals"
        description="Requests for a decision from running workflows. The run goes on down the branch of the decision."
        actions={
          <>
            <StreamStatus state={stream} />
            <a href={`/api/v1/approvals/export.csv?status=${status}`} className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-sm hover:bg-zinc-50" download>
              Export CSV
            </a>
          </>
        }
      />
      <div role="tablist" aria-label="Requests" className="mb-4 flex gap-1 border-b border-zinc-200">
        {(Object.keys(approvalTabs) as ApprovalTab[]).map((t) => (
          <button
            key={t}
            role="tab"
            type="button"
            aria-selected={t === tab}
            onClick={() => replaceSearch({ tab: t, id: null })}
            className={cx("-mb-px border-b-2 px-3 py-2 text-sm font-medium", t === tab ? "border-indigo-600 text-indigo-700" : "border-transparent text-zinc-600 hover:text-zinc-900")}
          >
            {approvalTabs[t].label}
            {t === "mine" && waiting !== undefined ? <span className="ml-1.5 rounded-full bg-indigo-100 px-1.5 text-xs text-indigo-800">{waiting}</span> : null}
          </button>
        ))}
      </div>
      {list.error ? <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{list.error.message}</p> : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div>
          {list.isSuccess && rows.length === 0 ? (
            <EmptyState icon={<ApprovalIcon width={32} height={32} />} title={tab === "mine" ? "Nothing waits on you" : tab === "open" ? "No open requests" : "No decided requests yet"}>
              An Approval step in a workflow asks here; you see the requests your role or e-mail may decide under “Waiting on me”.
            </EmptyState>
          ) : (
            <ul aria-label="Approval requests" className="divide-y divide-zinc-100 overflow-hidden rounded-lg border border-zinc-200 bg-white">
              {rows.map((r) => (
                <li key={r.id} data-testid={`approval-${r.runId}`}>
                  <button
                    type="button"
                    aria-current={r.id === selected ? "true" : undefined}
                    onClick={() => replaceSearch({ id: r.id })}
                    className={cx("block w-full px-3 py-2.5 text-left hover:bg-zinc-50", r.id === selected && "bg-indigo-50/60")}
                  >
                    <span className="flex items-center justify-between gap-2">
                      <span className="truncate text-sm font-medium text-zinc-900">{r.title}</span>
                      <ApprovalStateBadge state={r.state} />
                    </span>
                    <span className="mt-0.5 block truncate text-xs text-zinc-600">
                      {r.workflowName} · run <span className="font-mono">{r.runId.slice(0, 8)}</span> · by {actorName(r.requestedBy)} · {timeAgo(r.createdAt, now)}
                    </span>
                    <span className="mt-0.5 flex gap-3 text-xs">
                      <span className="text-zinc-600">
                        {r.approvals} of {r.quorum} approvals
                      </span>
                      <Deadline at={r.deadlineAt} closed={r.closedAt !== null} now={now} />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {list.hasNextPage ? (
            <div className="mt-3 flex justify-center">
              <Button variant="secondary" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                Load older
              </Button>
            </div>
          ) : null}
        </div>
        <div>{selected ? <SelectedRequest id={selected} /> : <p className="text-sm text-zinc-500">Select a request to see its data and decide.</p>}</div>
      </div>
    </>
  );
}

function SelectedRequest({ id }: { id: string }) {
  const qc = useQueryClient();
  const query = useQuery(approvalQuery(id));
  const canMakeLinks = useCan("runs.operate");
  if (query.error) return <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{query.error.message}</p>;
  if (!query.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const request = query.data;
  const refresh = () => qc.invalidateQueries({ queryKey: approvalsKey });
  const open = request.closedAt === null;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4">
      <RequestView request={request}>
        {open && request.state === "pending_approval" ? (
          <DecisionForm
            refusals={request.you}
            onDecide={async (decision, comment) => {
              await api(`/approvals/${id}/decisions`, { body: { decision, ...(comment ? { comment } : {}) } });
              await refresh();
            }}
          />
        ) : null}
        {open && request.you.resubmit === null ? <ResubmitForm request={request} onDone={refresh} /> : null}
        {open && request.state === "pending_approval" && canMakeLinks ? <LinkMaker requestId={request.id} /> : null}
        {open && request.state === "changes_requested" && request.you.resubmit !== null ? (
          <p className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900">Changes were requested; the run&apos;s starter or an editor resubmits it.</p>
        ) : null}
      </RequestView>
      <p className="mt-4 text-xs text-zinc-500">
        <Link href={`/runs/${request.runId}`} className="text-indigo-700 hover:underline">
          Open the run
        </Link>{" "}
        to see where the request stands in the workflow.
      </p>
    </div>
  );
}

/** After changes were requested: the data edited as JSON, and what changed. */
function ResubmitForm({ request, onDone }: { request: ApprovalDetail; onDone: () => Promise<unknown> }) {
  const [data, setData] = useState(() => JSON.stringify(request.data, null, 2));
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      setError("The data is not valid JSON.");
      return;
    }
    if (!comment.trim()) {
      setError("Say what changed.");
      return;
    }
    try {
      await api(`/approvals/${request.id}/resubmit`, { body: { data: parsed, comment: comment.trim() } });
      setError(null);
      await onDone();
    } catch (e) {
      setError(e instanceof ApiProblem ? e.message : String(e));
    }
  };
  const control = "block w-full rounded-md border border-zinc-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30";
  return (
    <section aria-label="Resubmit" className="space-y-2 rounded-md border border-sky-200 bg-sky-50/50 p-3">
      <h3 className="text-sm font-medium text-zinc-900">Resubmit with changes</h3>
      <label htmlFor="resubmit-data" className="block text-sm text-zinc-800">
        Data (JSON)
      </label>
      <textarea id="resubmit-data" value={data} onChange={(e) => setData(e.target.value)} rows={6} className={cx(control, "font-mono text-xs")} spellCheck={false} />
      <label htmlFor="resubmit-comment" className="block text-sm text-zinc-800">
        What changed
      </label>
      <input id="resubmit-comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} className={control} />
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <Button onClick={submit}>Resubmit</Button>
    </section>
  );
}
