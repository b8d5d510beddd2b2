"use client";
// Messages that Email steps wrote here instead of sending (no SMTP credential chosen). An HTML
// body is shown in a sandboxed frame: no scripts, no same-origin access.
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { cx } from "#lib/client/cx.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import type { Json } from "#lib/client/queries.ts";
import type { listOutbox } from "#lib/secrets/outbox.ts";
import { EmptyState } from "../ui/empty-state.tsx";

type Message = Json<Awaited<ReturnType<typeof listOutbox>>[number]>;

export function Outbox() {
  const list = useQuery({ queryKey: ["outbox"], queryFn: () => api<{ messages: Message[] }>("/outbox"), refetchInterval: 5_000 });
  const [selected, setSelected] = useState<string | null>(null);
  const messages = list.data?.messages ?? [];
  const shown = messages.find((m) => m.id === selected) ?? messages[0];
  return (
    <section aria-labelledby="outbox-heading">
      <h2 id="outbox-heading" className="text-sm font-semibold text-zinc-900">Outbox</h2>
      <p className="mb-4 text-sm text-zinc-600">Email steps without an SMTP credential write their messages here instead of sending them: for trying workflows locally. Choose an SMTP credential on the step to send for real.</p>
      {list.isSuccess && messages.length === 0 ? (
        <EmptyState title="No messages">An Email step with no SMTP credential puts its message here.</EmptyState>
      ) : (
        <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <ul aria-label="Messages" className="divide-y divide-zinc-100 overflow-hidden rounded-lg border border-zinc-200 bg-white">
            {messages.map((m) => (
              <li key={m.id} data-testid={`outbox-${m.subject}`}>
                <button type="button" aria-current={m.id === shown?.id ? "true" : undefined} onClick={() => setSelected(m.id)} className={cx("block w-full px-3 py-2 text-left hover:bg-zinc-50", m.id === shown?.id && "bg-indigo-50/60")}>
                  <span className="block truncate text-sm font-medium text-zinc-900">{m.subject}</span>
                  <span className="block truncate text-xs text-zinc-600" title={fullTime(m.createdAt)}>
                    to {m.to.join(", ")} · {timeAgo(m.createdAt)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {shown ? (
            <article aria-label={`Message: ${shown.subject}`} className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4 text-sm">
              <h3 className="text-base font-semibold text-zinc-900">{shown.subject}</h3>
              <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
                <dt className="text-zinc-500">From</dt>
                <dd>{shown.from}</dd>
                <dt className="text-zinc-500">To</dt>
                <dd>{shown.to.join(", ")}</dd>
                {shown.cc.length ? (
                  <>
                    <dt className="text-zinc-500">Cc</dt>
                    <dd>{shown.cc.join(", ")}</dd>
                  </>
                ) : null}
                {shown.replyTo.length ? (
                  <>
                    <dt className="text-zinc-500">Reply-To</dt>
                    <dd>{shown.replyTo.join(", ")}</dd>
                  </>
                ) : null}
                <dt className="text-zinc-500">Message-ID</dt>
                <dd className="font-mono">{shown.messageId}</dd>
                {shown.runId ? (
                  <>
                    <dt className="text-zinc-500">Run</dt>
                    <dd>
                      <Link href={`/runs/${shown.runId}?step=${encodeURIComponent(shown.nodeId)}`} className="font-mono text-indigo-700 hover:underline">
                        {shown.runId.slice(0, 8)} · {shown.nodeId}
                      </Link>
                    </dd>
                  </>
                ) : null}
              </dl>
              {shown.attachments.length ? (
                <ul aria-label="Attachments" className="flex flex-wrap gap-2">
                  {shown.attachments.map((a, i) => (
                    <li key={i} className="rounded border border-zinc-200 bg-zinc-50 px-2 py-0.5 text-xs text-zinc-700">
                      📎 {a.filename} <span className="text-zinc-500">· {a.contentType} · {fileSize(a.size)}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
              {shown.html ? <iframe title="HTML body" sandbox="" srcDoc={shown.html} className="h-80 w-full rounded border border-zinc-200" /> : null}
              {shown.text ? <pre className="whitespace-pre-wrap rounded bg-zinc-50 p-2 font-sans text-sm text-zinc-800">{shown.text}</pre> : null}
            </article>
          ) : null}
        </div>
      )}
    </section>
  );
}

function fileSize(bytes: number) {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
