"use client";
// A for-each step's items on the run page: counts by state, then the items in order (or only the
// failed ones), each with its state, what it produced or why it failed, and the child run or the
// attempts of the step that ran it. Read page by page from the API; refreshed while items run.
import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { stepItemsQuery, type StepItem } from "#lib/client/queries.ts";
import { cx } from "#lib/client/cx.ts";
import Link from "next/link";
import { statusStyle } from "../canvas/status-style.ts";

const FILTERS = [
  ["", "All"],
  ["failed", "Failed"],
  ["running", "Running"],
] as const;

export function ForEachItems({ runId, nodeId, live }: { runId: string; nodeId: string; live: boolean }) {
  const [status, setStatus] = useState("");
  const query = useInfiniteQuery({ ...stepItemsQuery(runId, nodeId, status), refetchInterval: live ? 2_000 : false });
  const first = query.data?.pages[0];
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const counts = first?.counts ?? {};
  return (
    <section aria-labelledby="items-heading" data-testid="for-each-items">
      <div className="mb-1 flex items-center justify-between gap-2">
        <h3 id="items-heading" className="text-xs font-semibold tracking-wide text-zinc-600 uppercase">
          Items
        </h3>
        <div role="radiogroup" aria-label="Show items" className="flex gap-1">
          {FILTERS.map(([value, label]) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={status === value}
              onClick={() => setStatus(value)}
              className={cx("rounded px-1.5 py-0.5 text-xs", status === value ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100")}
            >
              {label}
              {value && counts[value] ? ` (${counts[value].toLocaleString("en-US")})` : ""}
            </button>
          ))}
        </div>
      </div>
      <p className="mb-2 text-xs text-zinc-600" data-testid="for-each-counts">
        {Object.entries(counts)
          .toSorted(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))
          .map(([s, n]) => `${n.toLocaleString("en-US")} ${s}`)
          .join(" · ") || "No items yet."}
      </p>
      {query.error ? <p role="alert" className="text-xs text-red-700">{query.error.message}</p> : null}
      <ol className="space-y-1 text-xs">
        {items.map((item) => (
          <ItemRow key={item.index} item={item} />
        ))}
      </ol>
      {items.length === 0 && first ? <p className="text-xs text-zinc-500">{status ? `No ${status} items.` : "No items."}</p> : null}
      {query.hasNextPage ? (
        <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage} className="mt-2 text-xs text-indigo-700 underline">
          {query.isFetchingNextPage ? "Loading…" : "Show more items"}
        </button>
      ) : null}
    </section>
  );
}

const ORDER = ["succeeded", "failed", "running", "pending", "cancelled"];

function ItemRow({ item }: { item: StepItem }) {
  const style = statusStyle(item.status === "running" && item.step ? item.step.status : item.status);
  const error = (item.error as { message?: string } | null)?.message;
  return (
    <li className="rounded-md border border-zinc-200 px-2 py-1" data-testid={`item-${item.index}`}>
      <div className="flex items-center justify-between gap-2">
        <span className="min-w-0 truncate font-mono text-zinc-800" title={JSON.stringify(item.item)}>
          #{item.index} <span className="text-zinc-500">{short(item.item)}</span>
        </span>
        <span className="flex shrink-0 items-center gap-1.5">
          {item.step && item.step.attempt > 1 ? <span className="text-zinc-600">attempt {item.step.attempt}</span> : null}
          {item.childRunId ? (
            <Link href={`/runs/${item.childRunId}`} className="text-indigo-700 underline">
              run
            </Link>
          ) : null}
          <span className={cx("rounded-full px-1.5 py-0.5 text-[10px] font-semibold uppercase", style.badge)}>{style.label}</span>
        </span>
      </div>
      {error ? <p className="mt-0.5 break-words text-red-700">{error}</p> : null}
    </li>
  );
}

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? "";
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};
