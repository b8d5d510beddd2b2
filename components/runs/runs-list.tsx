"use client";
// The runs page: every run, newest first, live. Filters live in the URL so that a view can be
// shared; statuses change in place as events arrive, new runs appear within seconds, and stuck
// runs carry their reason.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { replaceSearch } from "#lib/client/url-state.ts";
import { useMemo, useState, type FormEvent } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { runListQuery, runListsKey, triggersQuery, workflowsQuery } from "#lib/client/queries.ts";
import { triggerKindLabel } from "#lib/triggers/schemas.ts";
import { duration, fullTime, timeAgo } from "#lib/client/format.ts";
import { runStatuses } from "#lib/engine/states.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { applyRunListEvents } from "#lib/runs/live-state.ts";
import { isFinishedRun } from "#lib/engine/states.ts";
import { Button } from "../ui/button.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { RunsIcon } from "../ui/icons.tsx";
import { StreamStatus } from "../live/stream-status.tsx";
import { RunStatusBadge, stuckText } from "./run-status.tsx";
import { ProgressMeter } from "./progress-meter.tsx";
import { useRunsStream } from "./use-runs-stream.ts";

const RANGES: Record<string, { label: string; ms?: number }> = {
  "": { label: "Any time" },
  "15m": { label: "Last 15 minutes", ms: 15 * 60_000 },
  "1h": { label: "Last hour", ms: 3_600_000 },
  "24h": { label: "Last 24 hours", ms: 86_400_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000 },
};

const select = "h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-800";

export function RunsList() {
  const params = useSearchParams();
  const filters = {
    workflowId: params.get("workflowId") ?? "",
    status: params.get("status") ?? "",
    range: params.get("range") ?? "",
    stuck: params.get("stuck") === "true",
    q: params.get("q") ?? "",
    triggerId: params.get("triggerId") ?? "",
  };
  // The window of a range starts when it was chosen (kept in the URL), so paging keeps one window.
  const from = params.get("from") ?? "";
  const [search, setSearch] = useState(filters.q);
  const set = (changes: Partial<Record<keyof typeof filters | "from", string>>) => replaceSearch(changes);

  const workflows = useQuery(workflowsQuery(""));
  const query = new URLSearchParams({ limit: "50" });
  if (filters.workflowId) query.set("workflowId", filters.workflowId);
  if (filters.status) query.set("status", filters.status);
  if (from) query.set("from", from);
  if (filters.stuck) query.set("stuck", "true");
  if (filters.q) query.set("q", filters.q);
  if (filters.triggerId) query.set("triggerId", filters.triggerId);
  const triggers = useQuery({ ...triggersQuery(filters.workflowId), enabled: !!filters.workflowId });
  const list = useInfiniteQuery({
    ...runListQuery(query.toString()),
    // Stuck is a matter of time, not of events.
    refetchInterval: 15_000,
  });
  const { events, stream } = useRunsStream([runListsKey]);
  const rows = useMemo(() => (list.data?.pages ?? []).flatMap((p) => applyRunListEvents(p.runs, p.snapshot, events)), [list.data, events]);
  const filtered = Object.values(filters).some(Boolean);

  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    set({ q: search.trim() });
  };

  return (
    <>
      <PageHeader title="Runs" description="Every execution of every workflow, live." actions={<StreamStatus state={stream} />} />
      <form onSubmit={submitSearch} className="mb-4 flex flex-wrap items-center gap-2" role="search" aria-label="Filter runs">
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Run id, correlation id or idempotency key"
          aria-label="Search by run id, correlation id or idempotency key"
          className="h-9 w-80 rounded-md border border-zinc-300 px-3 text-sm"
        />
        <select aria-label="Workflow" className={select} value={filters.workflowId} onChange={(e) => set({ workflowId: e.target.value, triggerId: "" })}>
          <option value="">All workflows</option>
          {workflows.data?.workflows.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
        {filters.workflowId && triggers.data?.triggers.length ? (
          <select aria-label="Trigger" className={select} value={filters.triggerId} onChange={(e) => set({ triggerId: e.target.value })}>
            <option value="">Any trigger</option>
            {triggers.data.triggers.map((t) => (
              <option key={t.id} value={t.id}>
                {triggerKindLabel(t.kind)}: {t.name}
              </option>
            ))}
          </select>
        ) : null}
        <select aria-label="Status" className={select} value={filters.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">Any status</option>
          {runStatuses.map((s) => (
            <option key={s} value={s}>
              {s.replaceAll("_", " ")}
            </option>
          ))}
        </select>
        <select aria-label="Time range" className={select} value={filters.range} onChange={(e) => {
            const ms = RANGES[e.target.value]?.ms;
            set({ range: e.target.value, from: ms ? new Date(Date.now() - ms).toISOString() : "" });
          }}
        >
          {Object.entries(RANGES).map(([value, r]) => (
            <option key={value} value={value}>
              {r.label}
            </option>
          ))}
        </select>
        <label className="flex h-9 items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-800">
          <input type="checkbox" checked={filters.stuck} onChange={(e) => set({ stuck: e.target.checked ? "true" : "" })} />
          Stuck only
        </label>
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {filtered ? (
          <Button
            variant="ghost"
            onClick={() => {
              setSearch("");
              replaceSearch({}, { clear: true });
            }}
          >
            Clear filters
          </Button>
        ) : null}
      </form>

      {list.error ? <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{list.error.message}</p> : null}
      {list.isSuccess && rows.length === 0 ? (
        <EmptyState icon={<RunsIcon width={32} height={32} />} title={filtered ? "No run matches" : "No runs yet"}>
          {filtered ? "Change or clear the filters." : "Runs appear here as soon as a workflow is started."}
        </EmptyState>
      ) : (
        <Table label="Runs">
          <thead>
            <tr>
              <Th>Run</Th>
              <Th>Workflow</Th>
              <Th>Status</Th>
              <Th>Started by</Th>
              <Th>Created</Th>
              <Th className="text-right">Duration</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {rows.map((r) => (
              <tr key={r.id} data-testid={`run-row-${r.id}`} data-status={r.status} className="hover:bg-zinc-50">
                <Td>
                  <Link href={`/runs/${r.id}`} className="font-mono text-xs text-indigo-700 hover:underline" title={r.id}>
                    {r.id.slice(0, 8)}
                  </Link>
                  {r.correlationId ? <span className="ml-2 text-xs text-zinc-500">corr {r.correlationId}</span> : null}
                </Td>
                <Td label="Workflow">
                  {r.workflowName} <span className="text-zinc-500">v{r.version}</span>
                </Td>
                <Td label="Status">
                  <span className="flex flex-wrap items-center gap-1.5">
                    <RunStatusBadge status={r.status} />
                    {r.status === "queued" && r.heldSince ? (
                      <span className="rounded-full bg-sky-100 px-1.5 py-0.5 text-[10px] font-semibold text-sky-900 uppercase" title="Its workflow runs a limited number of runs at once; this one waits its turn." data-testid="held-flag">
                        waiting for a slot
                      </span>
                    ) : null}
                    {r.stuck ? (
                      <span className="rounded-full bg-orange-500 px-1.5 py-0.5 text-[10px] font-semibold text-white uppercase" title={stuckText(r.stuck)} data-testid="stuck-flag">
                        stuck
                      </span>
                    ) : null}
                  </span>
                  {r.stuck ? <p className="mt-0.5 max-w-xs truncate text-xs text-orange-800">{stuckText(r.stuck)}</p> : null}
                  {r.progress && !isFinishedRun(r.status) ? (
                    <ProgressMeter progress={r.progress} testId="run-row-progress" className="mt-1 max-w-xs" barClassName="h-1 w-16" />
                  ) : null}
                </Td>
                <Td label="Started by" className="text-xs">
                  {r.trigger ? (
                    <Link href={`/runs?workflowId=${r.workflowId}&triggerId=${r.trigger.id}`} className="text-indigo-700 hover:underline" data-testid="run-trigger" title={`Started by the ${triggerKindLabel(r.trigger.kind)} trigger ${r.trigger.name}`}>
                      {triggerKindLabel(r.trigger.kind)}: {r.trigger.name}
                    </Link>
                  ) : (
                    actorName(r.createdBy)
                  )}
                </Td>
                <Td label="Created" className="text-xs" title={fullTime(r.createdAt)}>
                  {timeAgo(r.createdAt)}
                </Td>
                <Td label="Duration" className="text-right text-xs tabular-nums">{duration(r.durationMs)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {list.hasNextPage ? (
        <div className="mt-4 flex justify-center">
          <Button variant="secondary" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? "Loading…" : "Load older runs"}
          </Button>
        </div>
      ) : null}
    </>
  );
}
