"use client";
// The Dependencies page: each dependency steps call (an HTTP step's host, or a key named on a
// step) with its circuit breaker: state, the window's failure rate, the steps waiting on it, and
// its history. Operators force a breaker open or reset it, and tune when it opens, its rate limit
// and how many calls may be in flight at once.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { clockTime, fullTime, timeAgo } from "#lib/client/format.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge, type Tone } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { useCan } from "../shell/current-user.tsx";

interface DependencyView {
  key: string;
  state: "closed" | "open" | "half_open";
  forced: boolean;
  settings: { failureThreshold: number; windowMs: number; coolDownMs: number; halfOpenProbes: number; ratePerSecond: number | null; burst: number; maxConcurrent: number | null };
  window: { startedAt: string; calls: number; failures: number; failureRate: number };
  openUntil: string | null;
  lastError: string | null;
  waiting: number;
  inFlight: number;
}

interface DependencyDetail extends DependencyView {
  events: { id: string; type: string; actor: string; data: Record<string, unknown>; at: string }[];
  waitingSteps: { runId: string; nodeId: string; until: string; workflowName: string }[];
}

const tone: Record<DependencyView["state"], Tone> = { closed: "success", open: "danger", half_open: "warning" };
const stateLabel = (d: DependencyView) => (d.state === "half_open" ? "half-open" : d.state === "open" && d.forced ? "forced open" : d.state);
const enc = encodeURIComponent;

export function Dependencies() {
  const canOperate = useCan("runs.operate");
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ["dependencies"], queryFn: () => api<{ dependencies: DependencyView[] }>("/dependencies"), refetchInterval: 2_000 });
  const [selected, setSelected] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<{ key: string; action: "force-open" | "reset" } | null>(null);
  const deps = list.data?.dependencies ?? [];
  const refresh = () => qc.invalidateQueries({ queryKey: ["dependencies"] });
  const why = canOperate ? undefined : "Forcing or resetting a breaker needs the runs.operate permission.";
  return (
    <>
      <PageHeader
        title="Dependencies"
        description="What your steps call: an HTTP step's host, or a name set on a step. Each has one circuit breaker, an optional rate limit and an optional concurrency limit across all workflows: after too many failures the breaker opens and steps on it wait (holding no worker, using no attempt) until a probe call succeeds; past a limit, steps wait for their turn."
      />
      {list.isSuccess && deps.length === 0 ? (
        <EmptyState title="No dependencies yet">They appear here once a step has called one: an HTTP step’s host, or a step with a dependency name.</EmptyState>
      ) : (
        <Table label="Dependencies">
          <thead>
            <tr>
              <Th>Dependency</Th>
              <Th>Breaker</Th>
              <Th>Failure rate (window)</Th>
              <Th>Limits</Th>
              <Th>Steps waiting</Th>
              <Th>Last error</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {deps.map((d) => (
              <tr key={d.key} data-testid={`dependency-${d.key}`}>
                <Td label="Dependency">
                  <button type="button" className="font-mono text-sm text-indigo-700 hover:underline" onClick={() => setSelected(selected === d.key ? null : d.key)} aria-expanded={selected === d.key}>
                    {d.key}
                  </button>
                </Td>
                <Td label="Breaker">
                  <Badge tone={tone[d.state]}>
                    <span data-testid="breaker-state">{stateLabel(d)}</span>
                  </Badge>
                  {d.state === "open" && d.openUntil ? <span className="ml-2 text-xs text-zinc-600">until {clockTime(d.openUntil)}</span> : null}
                </Td>
                <Td label="Failure rate (window)">
                  {d.window.calls ? `${Math.round(d.window.failureRate * 100)} %` : "—"}{" "}
                  <span className="text-xs text-zinc-500">
                    ({d.window.failures} of {d.window.calls} calls; opens at {d.settings.failureThreshold} in {d.settings.windowMs / 1000} s)
                  </span>
                </Td>
                <Td label="Limits" data-testid="limits">
                  {d.settings.ratePerSecond || d.settings.maxConcurrent ? (
                    <>
                      {d.settings.ratePerSecond ? <span className="block">{d.settings.ratePerSecond}/s</span> : null}
                      {d.settings.maxConcurrent ? (
                        <span className="block">
                          {d.inFlight} of at most {d.settings.maxConcurrent} at once
                        </span>
                      ) : null}
                    </>
                  ) : (
                    "none"
                  )}
                </Td>
                <Td label="Steps waiting" data-testid="waiting">
                  {d.waiting}
                </Td>
                <Td label="Last error" className="max-w-xs truncate text-xs" title={d.lastError ?? undefined}>
                  {d.lastError ?? "—"}
                </Td>
                <Td label="Actions" className="whitespace-nowrap text-right">
                  {d.state !== "open" ? (
                    <Button size="sm" variant="secondary" disabled={!canOperate} title={why} onClick={() => setConfirm({ key: d.key, action: "force-open" })}>
                      Force open
                    </Button>
                  ) : null}{" "}
                  {d.state !== "closed" ? (
                    <Button size="sm" disabled={!canOperate} title={why} onClick={() => setConfirm({ key: d.key, action: "reset" })}>
                      Reset
                    </Button>
                  ) : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {selected ? <DependencyPanel depKey={selected} canOperate={canOperate} onChanged={refresh} /> : null}
      <ConfirmDialog
        open={!!confirm}
        onOpenChange={(o) => !o && setConfirm(null)}
        title={confirm?.action === "reset" ? `Reset the breaker of ${confirm.key}?` : `Force the breaker of ${confirm?.key} open?`}
        consequence={
          confirm?.action === "reset"
            ? "It closes: the steps waiting on it run now, and failures are counted afresh."
            : "Steps that call it wait, holding no worker and using no attempt, until someone resets it."
        }
        confirmLabel={confirm?.action === "reset" ? "Reset" : "Force open"}
        danger={confirm?.action === "force-open"}
        onConfirm={async () => {
          await api(`/dependencies/${enc(confirm!.key)}/${confirm!.action}`, { method: "POST" });
          await refresh();
          await qc.invalidateQueries({ queryKey: ["dependency", confirm!.key] });
        }}
      />
    </>
  );
}

/** One dependency: its settings (operators change them), the steps waiting on it, its history. */
function DependencyPanel({ depKey, canOperate, onChanged }: { depKey: string; canOperate: boolean; onChanged(): void }) {
  const detail = useQuery({ queryKey: ["dependency", depKey], queryFn: () => api<DependencyDetail>(`/dependencies/${enc(depKey)}`), refetchInterval: 2_000 });
  const [error, setError] = useState<string | null>(null);
  const d = detail.data;
  if (!d) return null;
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const num = (name: string) => Number(form.get(name));
    const optional = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value ? Number(value) : null;
    };
    setError(null);
    try {
      await api(`/dependencies/${enc(depKey)}`, {
        method: "PUT",
        body: { failureThreshold: num("failureThreshold"), windowMs: num("windowS") * 1000, coolDownMs: num("coolDownS") * 1000, halfOpenProbes: num("halfOpenProbes"), ratePerSecond: optional("ratePerSecond"), burst: num("burst"), maxConcurrent: optional("maxConcurrent") },
      });
      await detail.refetch();
      onChanged();
    } catch (err) {
      setError(err instanceof ApiProblem ? err.message : String(err));
    }
  };
  const field = "w-24 rounded-md border border-zinc-300 px-2 py-1 text-sm disabled:bg-zinc-50";
  return (
    <section aria-label={`Dependency ${depKey}`} className="mt-4 grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 md:grid-cols-3" data-testid="dependency-panel">
      <form onSubmit={save} className="space-y-2 text-sm">
        <h2 className="font-semibold text-zinc-900">Breaker and limits</h2>
        {(
          [
            ["failureThreshold", "Failures", d.settings.failureThreshold],
            ["windowS", "Within (s)", d.settings.windowMs / 1000],
            ["coolDownS", "Open for (s)", d.settings.coolDownMs / 1000],
            ["halfOpenProbes", "Probes when half-open", d.settings.halfOpenProbes],
            ["ratePerSecond", "Calls a second (empty: no limit)", d.settings.ratePerSecond ?? ""],
            ["burst", "Burst", d.settings.burst],
            ["maxConcurrent", "Calls at once (empty: no limit)", d.settings.maxConcurrent ?? ""],
          ] as const
        ).map(([name, label, value]) => (
          <label key={name} className="flex items-center justify-between gap-2">
            {label}
            <input name={name} type="number" min={name === "coolDownS" ? 0.1 : name === "ratePerSecond" ? 0.001 : 1} step={name === "maxConcurrent" ? 1 : "any"} defaultValue={value} disabled={!canOperate} className={field} />
          </label>
        ))}
        {error ? <p role="alert" className="text-xs text-red-700">{error}</p> : null}
        {canOperate ? (
          <Button type="submit" size="sm">
            Save settings
          </Button>
        ) : null}
      </form>
      <div className="text-sm">
        <h2 className="font-semibold text-zinc-900">Steps waiting on it</h2>
        {d.waitingSteps.length === 0 ? <p className="mt-1 text-zinc-600">None.</p> : null}
        <ul className="mt-1 space-y-1">
          {d.waitingSteps.map((w) => (
            <li key={`${w.runId}:${w.nodeId}`}>
              <Link href={`/runs/${w.runId}?step=${enc(w.nodeId)}`} className="text-indigo-700 hover:underline">
                {w.workflowName} · {w.nodeId}
              </Link>{" "}
              <span className="text-xs text-zinc-500">until {clockTime(w.until)}</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="text-sm">
        <h2 className="font-semibold text-zinc-900">History</h2>
        <ol className="mt-1 space-y-1" data-testid="dependency-history">
          {d.events.map((e) => (
            <li key={e.id} title={fullTime(e.at)}>
              <span className="font-medium">{e.type.replaceAll("_", " ")}</span> <span className="text-xs text-zinc-500">by {actorName(e.actor)} {timeAgo(e.at)}</span>
              {typeof e.data.reason === "string" ? <span className="block text-xs text-zinc-600">{e.data.reason}</span> : null}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
