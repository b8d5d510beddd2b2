"use client";
// The event log: every business event published, newest first, refreshed every two seconds,
// searched by type, event id or correlation id. Opening one shows its data and what it caused
// (runs its triggers started, waiting steps it resumed).
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { eventQuery, eventsQuery, eventTypesQuery } from "#lib/client/queries.ts";
import { replaceSearch } from "#lib/client/url-state.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { EventsIcon } from "../ui/icons.tsx";
import { JsonView } from "../ui/json-view.tsx";
import { PageHeader } from "../ui/page-header.tsx";

const field = "h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-800";

export function EventsLog() {
  const params = useSearchParams();
  const filters = { type: params.get("type") ?? "", id: params.get("id") ?? "", correlationId: params.get("correlationId") ?? "" };
  const open = params.get("seq");
  const [id, setId] = useState(filters.id);
  const [correlation, setCorrelation] = useState(filters.correlationId);
  const search = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const list = useQuery({ ...eventsQuery(search.toString()), refetchInterval: 2_000 });
  const types = useQuery(eventTypesQuery());
  const events = list.data?.events ?? [];
  const filtered = Object.values(filters).some(Boolean);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    replaceSearch({ id: id.trim() || null, correlationId: correlation.trim() || null });
  };

  return (
    <>
      <PageHeader
        title="Events"
        description="Business events as they are published: each is checked against its type's schema, stored once, and delivered to the triggers and waiting steps it matches."
        actions={<Link href="/events/types" className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-sm hover:bg-zinc-50">Event types</Link>}
      />
      <form onSubmit={submit} role="search" aria-label="Filter events" className="mb-4 flex flex-wrap items-center gap-2">
        <select aria-label="Event type" className={field} value={filters.type} onChange={(e) => replaceSearch({ type: e.target.value || null })}>
          <option value="">Every type</option>
          {types.data?.eventTypes.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
        <input type="search" aria-label="Event id" placeholder="Event id" value={id} onChange={(e) => setId(e.target.value)} className={`${field} w-48`} />
        <input type="search" aria-label="Correlation id" placeholder="Correlation id" value={correlation} onChange={(e) => setCorrelation(e.target.value)} className={`${field} w-48`} />
        <Button type="submit" variant="secondary">Search</Button>
        {filtered ? (
          <Button variant="ghost" onClick={() => { setId(""); setCorrelation(""); replaceSearch({}, { clear: true }); }}>
            Clear filters
          </Button>
        ) : null}
      </form>
      {list.error ? <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{list.error.message}</p> : null}
      {list.isSuccess && events.length === 0 ? (
        <EmptyState icon={<EventsIcon width={32} height={32} />} title={filtered ? "No event matches" : "No events yet"}>
          {filtered ? "Change or clear the filters." : "Publish one with POST /api/v1/events, or from a workflow's Emit-event step."}
        </EmptyState>
      ) : (
        <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <ul aria-label="Events" className="divide-y divide-zinc-100 overflow-hidden rounded-lg border border-zinc-200 bg-white">
            {events.map((e) => (
              <li key={e.seq} data-testid={`event-${e.id}`}>
                <button type="button" onClick={() => replaceSearch({ seq: e.seq })} aria-current={open === e.seq ? "true" : undefined} className="flex w-full flex-wrap items-center gap-x-3 gap-y-0.5 px-3 py-2 text-left text-sm hover:bg-zinc-50 aria-[current=true]:bg-indigo-50/60">
                  <span className="font-medium text-zinc-900">{e.type}</span>
                  <span className="font-mono text-xs text-zinc-600">{e.id}</span>
                  {e.correlationId ? <span className="text-xs text-zinc-500">corr {e.correlationId}</span> : null}
                  <span className="ml-auto text-xs text-zinc-500" title={fullTime(e.receivedAt)}>{timeAgo(e.receivedAt)}</span>
                  <Badge tone={e.deliveries ? "success" : "neutral"}>{e.deliveries} caused</Badge>
                </button>
              </li>
            ))}
          </ul>
          {open ? <EventPanel seq={open} /> : <p className="text-sm text-zinc-500">Choose an event to see its data and what it caused.</p>}
        </div>
      )}
    </>
  );
}

function EventPanel({ seq }: { seq: string }) {
  const event = useQuery({ ...eventQuery(seq), refetchInterval: 3_000 });
  const e = event.data;
  if (!e) return event.error ? <p role="alert" className="text-sm text-red-700">{event.error.message}</p> : null;
  return (
    <article aria-label={`Event ${e.type} ${e.id}`} className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 text-sm">
      <h2 className="text-base font-semibold text-zinc-900">{e.type} <span className="font-mono text-sm font-normal text-zinc-600">{e.id}</span></h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
        <dt className="text-zinc-500">Schema</dt>
        <dd>{e.type} {e.version}</dd>
        <dt className="text-zinc-500">Occurred</dt>
        <dd>{fullTime(e.occurredAt)}</dd>
        <dt className="text-zinc-500">Received</dt>
        <dd>{fullTime(e.receivedAt)}</dd>
        <dt className="text-zinc-500">Published by</dt>
        <dd>{e.publishedBy.startsWith("run:") ? <Link className="text-indigo-700 hover:underline" href={`/runs/${e.publishedBy.split(":")[1]}`}>a run ({e.publishedBy.split(":")[2]})</Link> : actorName(e.publishedBy)}</dd>
        {e.correlationId ? (
          <>
            <dt className="text-zinc-500">Correlation</dt>
            <dd>{e.correlationId}</dd>
          </>
        ) : null}
        <dt className="text-zinc-500">Delivery</dt>
        <dd>{e.delivered ? "delivered" : <span className="text-amber-700">pending{e.deliveryError ? `: ${e.deliveryError}` : ""}</span>}</dd>
      </dl>
      <JsonView value={e.data} label="Event data" />
      <section aria-label="What it caused">
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">What it caused</h3>
        {e.causes.length === 0 ? (
          <p className="text-xs text-zinc-500">Nothing: no trigger or waiting step matched it.</p>
        ) : (
          <ul className="space-y-1 text-xs">
            {e.causes.map((c) => (
              <li key={`${c.kind}-${c.runId ?? c.triggerId}-${c.nodeId ?? ""}`}>
                {c.runId ? (
                  <>
                    {c.kind === "trigger" ? `started a run of ${c.workflowName} (trigger “${c.triggerName}”)` : `resumed ${c.nodeId} in a run of ${c.workflowName}`}:{" "}
                    <Link href={`/runs/${c.runId}${c.nodeId ? `?step=${encodeURIComponent(c.nodeId)}` : ""}`} className="font-mono text-indigo-700 hover:underline">{c.runId.slice(0, 8)}</Link>
                  </>
                ) : (
                  <span className="text-red-700">trigger “{c.triggerName}” of {c.workflowName} started no run: {c.error}</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
