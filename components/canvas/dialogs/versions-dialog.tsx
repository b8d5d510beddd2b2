"use client";
import Link from "next/link";
import { useState } from "react";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { Dialog } from "../../ui/dialog.tsx";

export interface VersionSummary {
  number: number;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

export function VersionsDialog({ open, onOpenChange, workflowId, versions, active }: { open: boolean; onOpenChange(o: boolean): void; workflowId: string; versions: VersionSummary[]; active: number | null }) {
  const [from, setFrom] = useState(versions[1]?.number ?? versions[0]?.number ?? 1);
  const [to, setTo] = useState(versions[0]?.number ?? 1);
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Version history" description="Published versions never change. Open one to see it as it was, or compare two." size="lg">
      {versions.length === 0 ? (
        <p className="text-sm text-zinc-600">Nothing published yet.</p>
      ) : (
        <>
          <ol className="divide-y divide-zinc-100 rounded-md border border-zinc-200" aria-label="Versions">
            {versions.map((v) => (
              <li key={v.number} className="flex items-center gap-3 px-3 py-2 text-sm">
                <span className="w-10 font-semibold text-zinc-900">v{v.number}</span>
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-zinc-800">{v.note || <span className="text-zinc-500">no note</span>}</span>
                  <span className="block text-xs text-zinc-500" title={fullTime(v.createdAt)}>
                    {v.createdBy.replace(/^user:/, "")} · {timeAgo(v.createdAt)}
                    {v.number === active ? <span className="ml-1.5 rounded bg-indigo-50 px-1 text-indigo-700">active</span> : null}
                  </span>
                </span>
                <Link href={`/workflows/${workflowId}/versions/${v.number}`} className="text-sm font-medium text-indigo-700 hover:underline">
                  Open
                </Link>
              </li>
            ))}
          </ol>
          {versions.length > 1 ? (
            <div className="mt-4 flex flex-wrap items-end gap-2 text-sm">
              <label className="space-y-1">
                <span className="block text-xs font-medium text-zinc-700">Compare</span>
                <select aria-label="Compare from version" value={from} onChange={(e) => setFrom(Number(e.target.value))} className="rounded-md border border-zinc-300 px-2 py-1">
                  {versions.map((v) => <option key={v.number} value={v.number}>v{v.number}</option>)}
                </select>
              </label>
              <span className="pb-1.5 text-zinc-500">with</span>
              <select aria-label="Compare to version" value={to} onChange={(e) => setTo(Number(e.target.value))} className="rounded-md border border-zinc-300 px-2 py-1">
                {versions.map((v) => <option key={v.number} value={v.number}>v{v.number}</option>)}
              </select>
              <Link href={`/workflows/${workflowId}/compare?from=${from}&to=${to}`} className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500">
                Compare
              </Link>
            </div>
          ) : null}
        </>
      )}
    </Dialog>
  );
}
