"use client";
// The dead-letter queue: steps whose failure failed their run. Operators requeue a step (a fresh
// attempt budget; the run resumes) or discard it (the run stays failed). Live: new dead letters
// appear as they happen.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { replaceSearch } from "#lib/client/url-state.ts";
import { useState } from "react";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { deadLetterListsKey, deadLettersQuery, type DeadLetter, type DeadLetterFilter } from "#lib/client/queries.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { rolesWith } from "#lib/auth/permissions.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { DeadLetterIcon } from "../ui/icons.tsx";
import { StreamStatus } from "../live/stream-status.tsx";
import { useCan, useCurrentUser } from "../shell/current-user.tsx";
import { useRunsStream } from "./use-runs-stream.ts";

const FILTERS: Record<DeadLetterFilter, string> = { open: "Open", resolved: "Resolved", all: "All" };

export function DeadLetters() {
  const params = useSearchParams();
  const status = (params.get("status") ?? "open") as keyof typeof FILTERS;
  const qc = useQueryClient();
  const canOperate = useCan("runs.operate");
  const { role } = useCurrentUser();
  const reason = canOperate ? undefined : `Needs the runs.operate permission (${rolesWith("runs.operate").join(", ")}); you are ${role}.`;
  const [acting, setActing] = useState<{ letter: DeadLetter; action: "requeue" | "discard" } | null>(null);

  const list = useInfiniteQuery(deadLettersQuery(status));
  const { stream } = useRunsStream([deadLetterListsKey], 1_000);
  const rows = list.data?.pages.flatMap((p) => p.deadLetters) ?? [];

  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Steps that used up their attempts and failed their run. Requeue one to run it again, or discard it."
        actions={
          <>
            <StreamStatus state={stream} />
            <div role="group" aria-label="Show" className="flex rounded-md border border-zinc-300 bg-white p-0.5">
              {(Object.keys(FILTERS) as (keyof typeof FILTERS)[]).map((f) => (
                <button
                  key={f}
                  type="button"
                  aria-pressed={f === status}
                  onClick={() => replaceSearch({ status: f })}
                  className={f === status ? "rounded bg-indigo-600 px-2.5 py-1 text-xs font-medium text-white" : "rounded px-2.5 py-1 text-xs font-medium text-zinc-700 hover:bg-zinc-100"}
                >
                  {FILTERS[f]}
                </button>
              ))}
            </div>
          </>
        }
      />
      {list.error ? <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{list.error.message}</p> : null}
      {list.isSuccess && rows.length === 0 ? (
        <EmptyState icon={<DeadLetterIcon width={32} height={32} />} title={status === "open" ? "No open dead letters" : "No dead letters"}>
          A step lands here when it fails for good: its retries are used up or its error is not retryable.
        </EmptyState>
      ) : (
        <Table label="Dead letters">
          <thead>
            <tr>
              <Th>Step</Th>
              <Th>Error</Th>
              <Th>Attempts</Th>
              <Th>Failed</Th>
              <Th>{status === "open" ? "" : "Resolution"}</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {rows.map((d) => (
              <tr key={d.id} data-testid={`dead-letter-${d.runId}`}>
                <Td>
                  <Link href={`/runs/${d.runId}?step=${encodeURIComponent(d.nodeId)}`} className="text-indigo-700 hover:underline">
                    {d.workflowName ?? "deleted workflow"} · <span className="font-mono">{d.nodeId}</span>
                  </Link>
                  <p className="font-mono text-xs text-zinc-500">run {d.runId.slice(0, 8)}</p>
                </Td>
                <Td label="Error" className="max-w-md">
                  {d.error.details?.status ? <span className="mr-1 rounded bg-red-100 px-1 font-mono text-xs text-red-800">HTTP {d.error.details.status}</span> : null}
                  <span className="text-sm text-red-800">{d.error.message}</span>
                </Td>
                <Td label="Attempts" className="tabular-nums">{d.attempts}</Td>
                <Td label="Failed" className="whitespace-nowrap text-xs" title={fullTime(d.createdAt)}>
                  {timeAgo(d.createdAt)}
                </Td>
                <Td className="text-right">
                  {d.resolvedAt ? (
                    <span className="text-xs text-zinc-600">
                      {d.resolution} by {actorName(d.resolvedBy ?? "")} {timeAgo(d.resolvedAt)}
                    </span>
                  ) : (
                    <span className="flex justify-end gap-2">
                      <Button size="sm" onClick={() => setActing({ letter: d, action: "requeue" })} disabled={!canOperate} title={reason}>
                        Requeue
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setActing({ letter: d, action: "discard" })} disabled={!canOperate} title={reason}>
                        Discard
                      </Button>
                    </span>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {!canOperate && rows.some((d) => !d.resolvedAt) ? <p className="mt-2 text-xs text-zinc-500">{reason}</p> : null}
      {list.hasNextPage ? (
        <div className="mt-4 flex justify-center">
          <Button variant="secondary" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            Load older
          </Button>
        </div>
      ) : null}
      <ConfirmDialog
        open={acting !== null}
        onOpenChange={(o) => !o && setActing(null)}
        title={acting?.action === "requeue" ? `Requeue ${acting.letter.nodeId}?` : `Discard the dead letter of ${acting?.letter.nodeId}?`}
        consequence={
          acting?.action === "requeue"
            ? "The step runs again with a fresh attempt budget, and its run resumes (steps its failure cancelled are queued again)."
            : "The dead letter is closed without running anything; the run stays failed. It can still be resumed from its page."
        }
        confirmLabel={acting?.action === "requeue" ? "Requeue" : "Discard"}
        danger={acting?.action === "discard"}
        onConfirm={async () => {
          const a = acting!;
          if (a.action === "requeue") await api(`/dead-letters/${a.letter.id}/requeue`, { method: "POST" });
          else await api(`/dead-letters/${a.letter.id}`, { method: "DELETE" });
          await qc.invalidateQueries({ queryKey: deadLetterListsKey });
        }}
      />
    </>
  );
}
