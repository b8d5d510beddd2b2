"use client";
// One run: its workflow drawn with each step's state, and its steps.
import Link from "next/link";
import { useCallback } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { ReadonlyCanvas } from "../canvas/readonly-canvas.tsx";
import { Badge, type Tone } from "../ui/badge.tsx";

interface Step {
  id: string;
  nodeId: string;
  type: string;
  status: string;
  attempt: number;
  maxAttempts: number;
  error: { message?: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
}
interface Run {
  id: string;
  workflowId: string;
  workflowName: string;
  version: number;
  status: string;
  error: { message?: string } | null;
  createdAt: string;
  createdBy: string;
  steps: Step[];
}

export const runTone: Record<string, Tone> = { succeeded: "success", failed: "danger", cancelled: "neutral", running: "info", queued: "neutral", waiting: "accent" };
const FINAL = ["succeeded", "failed", "cancelled"];

export function RunView({ runId }: { runId: string }) {
  const run = useQuery({
    queryKey: ["run", runId],
    queryFn: () => api<Run>(`/runs/${runId}`),
    refetchInterval: (q) => (FINAL.includes(q.state.data?.status ?? "") ? false : 1000),
  });
  const version = useQuery({
    queryKey: ["workflow", run.data?.workflowId, "version", run.data?.version],
    queryFn: () => api<{ definition: Definition }>(`/workflows/${run.data!.workflowId}/versions/${run.data!.version}`),
    enabled: !!run.data,
    staleTime: Infinity,
  });
  const steps = run.data?.steps;
  const decorate = useCallback((nodeId: string) => ({ status: steps?.find((s) => s.nodeId === nodeId)?.status ?? "pending" }), [steps]);

  if (run.error) return <p role="alert" className="text-sm text-red-700">{run.error.message}</p>;
  if (!run.data) return <p className="text-sm text-zinc-500">Loading run…</p>;
  const r = run.data;
  return (
    <div className="-mx-8 -my-7 flex h-screen flex-col">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white px-4 text-sm">
        <Link href="/runs" className="text-zinc-500 hover:text-zinc-900">Runs /</Link>
        <h1 className="font-mono text-sm font-semibold text-zinc-900">{r.id}</h1>
        <Badge tone={runTone[r.status] ?? "neutral"}>
          <span data-testid="run-status">{r.status}</span>
        </Badge>
        <span className="text-zinc-500">
          <Link href={`/workflows/${r.workflowId}`} className="text-indigo-700 hover:underline">{r.workflowName}</Link> v{r.version} · started by {r.createdBy.replace(/^user:/, "")}{" "}
          <span title={fullTime(r.createdAt)}>{timeAgo(r.createdAt)}</span>
        </span>
      </header>
      {r.error?.message ? <p className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800">{r.error.message}</p> : null}
      <div className="flex min-h-0 flex-1">
        <div className="min-w-0 flex-1">{version.data ? <ReadonlyCanvas definition={version.data.definition} decorate={decorate} /> : null}</div>
        <aside aria-label="Steps" className="w-80 shrink-0 overflow-y-auto border-l border-zinc-200 bg-white p-4">
          <h2 className="text-sm font-semibold text-zinc-900">Steps</h2>
          <ul className="mt-2 space-y-2 text-sm">
            {r.steps.map((s) => (
              <li key={s.id} className="rounded-md border border-zinc-200 p-2" data-testid={`step-${s.nodeId}`}>
                <div className="flex items-center justify-between gap-2">
                  <span className="font-mono text-xs">{s.nodeId}</span>
                  <Badge tone={runTone[s.status] ?? (s.status === "retry_scheduled" ? "warning" : "neutral")}>{s.status}</Badge>
                </div>
                <p className="text-xs text-zinc-500">attempt {s.attempt} of {s.maxAttempts}</p>
                {s.error?.message ? <p className="mt-1 text-xs text-red-700">{s.error.message}</p> : null}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
