"use client";
// The dashboard: live counters, throughput and failure rate over time, durations, queues, dead
// letters and stuck runs. Figures come from /api/v1/stats and refresh when run events arrive
// (at most every two seconds) and every ten seconds regardless (stuck is a matter of time).
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { replaceSearch } from "#lib/client/url-state.ts";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { rolloutsQuery, statsKey, statsQuery, type StatsView } from "#lib/client/queries.ts";
import { RolloutComparison } from "../workflows/rollout-comparison.tsx";
import { duration, fullTime, timeAgo } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import type { StatsWindow } from "#lib/runs/stats.ts";
import { PageHeader } from "../ui/page-header.tsx";
import { StreamStatus } from "../live/stream-status.tsx";
import { useRunsStream } from "../runs/use-runs-stream.ts";
import { stuckText } from "../runs/run-status.tsx";

const WINDOW_LABELS: Record<StatsWindow, string> = { "15m": "15 min", "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };
const colours = { succeeded: "#10b981", failed: "#ef4444", cancelled: "#a1a1aa", started: "#6366f1", p50: "#0ea5e9", p95: "#f59e0b" };

export function Dashboard() {
  const params = useSearchParams();
  const window = (params.get("window") as StatsWindow) in WINDOW_LABELS ? (params.get("window") as StatsWindow) : "1h";
  const stats = useQuery({ ...statsQuery(window), refetchInterval: 10_000 });
  const { stream } = useRunsStream([statsKey]);
  const s = stats.data;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={s ? `Runs created in the last ${WINDOW_LABELS[window]}; active runs whenever they started.` : "Throughput, failures, latencies and queues at a glance."}
        actions={
          <>
            <StreamStatus state={stream} />
            <div role="group" aria-label="Time window" className="flex rounded-md border border-zinc-300 bg-white p-0.5">
              {(Object.keys(WINDOW_LABELS) as StatsWindow[]).map((w) => (
                <button
                  key={w}
                  type="button"
                  aria-pressed={w === window}
                  onClick={() => replaceSearch({ window: w })}
                  className={cx("rounded px-2.5 py-1 text-xs font-medium", w === window ? "bg-indigo-600 text-white" : "text-zinc-700 hover:bg-zinc-100")}
                >
                  {w}
                </button>
              ))}
            </div>
          </>
        }
      />
      {stats.error ? <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{stats.error.message}</p> : null}
      {!s ? (
        <p className="text-sm text-zinc-500">Loading figures…</p>
      ) : (
        <div className="space-y-6">
          <ProcessEvents s={s} />
          <Counters s={s} />
          <Rollouts />
          <div className="grid gap-6 xl:grid-cols-2">
            <Panel title="Throughput" subtitle={`Runs started per ${bucketName(s.bucketSeconds)}, by how they ended`}>
              <ResponsiveContainer width="100%" height={220}>
                <BarChart data={s.series.map((p) => ({ ...p, t: tick(p.t, window) }))} margin={{ left: -20, right: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#f4f4f5" />
                  <XAxis dataKey="t" fontSize={11} />
                  <YAxis fontSize={11} allowDecimals={false} />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Bar dataKey="succeeded" stackId="r" fill={colours.succeeded} isAnimationActive={false} />
                  <Bar dataKey="failed" stackId="r" fill={colours.failed} isAnimationActive={false} />
                  <Bar dataKey="cancelled" stackId="r" fill={colours.cancelled} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </Panel>
            <Panel title="Failure rate" subtitle="Failed runs out of finished ones, per bucket">
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={s.series.map((p) => ({ t: tick(p.t, window), rate: p.succeeded + p.failed ? Math.round((1000 * p.failed) / (p.succeeded + p.failed)) / 10 : null }))} margin={{ left: -20, right: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#f4f4f5" />
                  <XAxis dataKey="t" fontSize={11} />
                  <YAxis fontSize={11} unit="%" domain={[0, 100]} />
                  <Tooltip formatter={(v) => `${v}%`} />
                  <Line dataKey="rate" name="failure rate" stroke={colours.failed} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </Panel>
            <Panel title="Run duration" subtitle="p50 and p95 of finished runs, per bucket">
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={s.series.map((p) => ({ t: tick(p.t, window), p50: p.p50, p95: p.p95 }))} margin={{ left: 0, right: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#f4f4f5" />
                  <XAxis dataKey="t" fontSize={11} />
                  <YAxis fontSize={11} tickFormatter={(v) => duration(v)} width={60} />
                  <Tooltip formatter={(v) => duration(Number(v))} />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Line dataKey="p50" stroke={colours.p50} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
                  <Line dataKey="p95" stroke={colours.p95} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </Panel>
            <Panel title="Step duration" subtitle={`By step type, over the steps of the latest ${s.stepSampleRuns.toLocaleString()} runs`}>
              <FigureTable
                label="Step duration by type"
                headers={["Type", "Steps", "Failed", "p50", "p95"]}
                rows={s.steps.map((t) => ({
                  key: t.type,
                  cells: [t.type, t.count.toLocaleString(), <span key="f" className={cx(t.failed > 0 && "text-red-700")}>{t.failed.toLocaleString()}</span>, duration(t.p50), duration(t.p95)],
                }))}
                empty="No finished steps in this window."
              />
            </Panel>
          </div>
          <div className="grid gap-6 xl:grid-cols-3">
            <Panel title="Queues" subtitle="Jobs in pg-boss queues (refreshed by workers every 10 s)">
              <FigureTable
                label="Queue depth"
                testId="queues"
                headers={["Queue", "Ready", "Deferred", "Active"]}
                rows={s.queues.map((q) => ({ key: q.name, cells: [q.name, q.ready, q.deferred, q.active] }))}
                empty="No queues."
              />
            </Panel>
            <Panel title={`Dead letters (${s.deadLetters.open} open)`} subtitle="Steps that failed their run" action={<Link href="/dead-letters" className="text-xs text-indigo-700 hover:underline">All dead letters →</Link>}>
              <ul className="divide-y divide-zinc-100 text-sm" data-testid="dashboard-dead-letters">
                {(s.deadLetters.recent as { id: string; runId: string; nodeId: string; workflowName: string | null; message: string | null; createdAt: string }[]).map((d) => (
                  <li key={d.id} className="py-1.5">
                    <Link href={`/runs/${d.runId}?step=${encodeURIComponent(d.nodeId)}`} className="text-indigo-700 hover:underline">
                      {d.workflowName ?? "?"} · {d.nodeId}
                    </Link>
                    <span className="ml-2 text-xs text-zinc-500">{timeAgo(d.createdAt)}</span>
                    <p className="truncate text-xs text-red-700">{d.message}</p>
                  </li>
                ))}
                {s.deadLetters.open === 0 ? <li className="py-3 text-center text-xs text-zinc-500">None open.</li> : null}
              </ul>
            </Panel>
            <Panel title={`Stuck runs (${s.stuck.length === 10 ? "10+" : s.stuck.length})`} subtitle="Steps past their timeout or heartbeat, or queued or waiting too long" action={<Link href="/runs?stuck=true" className="text-xs text-indigo-700 hover:underline">All stuck runs →</Link>}>
              <ul className="divide-y divide-zinc-100 text-sm" data-testid="dashboard-stuck">
                {s.stuck.map((r) => (
                  <li key={r.runId} className="py-1.5">
                    <Link href={`/runs/${r.runId}?step=${encodeURIComponent(r.nodeId)}`} className="text-indigo-700 hover:underline">
                      {r.workflowName} · <span className="font-mono text-xs">{r.runId.slice(0, 8)}</span>
                    </Link>
                    <p className="text-xs text-orange-800">{stuckText(r)}</p>
                  </li>
                ))}
                {s.stuck.length === 0 ? <li className="py-3 text-center text-xs text-zinc-500">Nothing stuck.</li> : null}
              </ul>
            </Panel>
          </div>
        </div>
      )}
    </>
  );
}

/** Crashes the launcher recovered from: a process that keeps crashing needs looking at. */
function ProcessEvents({ s }: { s: StatsView }) {
  const crashes = s.processes.filter((e) => e.event === "crashed");
  if (crashes.length === 0) return null;
  const names = [...new Set(crashes.map((c) => c.process))];
  return (
    <div role="status" data-testid="process-crashes" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <p className="font-medium">
        {names.map((n) => `${n} crashed ${crashes.filter((c) => c.process === n).length}×`).join(", ")} in this window; Baton restarted{" "}
        {crashes.length === 1 ? "it" : "them"}.
      </p>
      <ul className="mt-1 space-y-0.5 text-xs">
        {s.processes.map((e, i) => (
          <li key={i}>
            <span title={fullTime(e.at)}>{timeAgo(e.at)}</span>: {e.process} {e.event === "crashed" ? `crashed (${e.signal ? `signal ${e.signal}` : `exit code ${e.exitCode}`})` : e.event === "restarted" ? "restarted" : "gave up"}
          </li>
        ))}
      </ul>
      <p className="mt-1 text-xs">Each crash is in the launcher&apos;s log; a process that crashes 5 times within 5 minutes stops Baton.</p>
    </div>
  );
}

function Counters({ s }: { s: StatsView }) {
  const n = (status: string) => s.runs.byStatus[status] ?? 0;
  const cards: { label: string; value: string; href?: string; tone?: string; testId: string; wide?: boolean }[] = [
    { label: "Queued", value: String(n("queued")), href: "/runs?status=queued", testId: "count-queued" },
    { label: "Running", value: String(n("running")), href: "/runs?status=running", tone: "text-sky-700", testId: "count-running" },
    { label: "Waiting", value: String(n("waiting")), href: "/runs?status=waiting", tone: "text-violet-700", testId: "count-waiting" },
    { label: "Succeeded", value: String(n("succeeded")), href: "/runs?status=succeeded", tone: "text-emerald-700", testId: "count-succeeded" },
    { label: "Failed", value: String(n("failed")), href: "/runs?status=failed", tone: n("failed") ? "text-red-700" : undefined, testId: "count-failed" },
    { label: "Cancelled", value: String(n("cancelled")), href: "/runs?status=cancelled", testId: "count-cancelled" },
    { label: "Failure rate", value: s.runs.failureRate === null ? "–" : `${(s.runs.failureRate * 100).toFixed(1)}%`, testId: "failure-rate" },
    { label: "Run p50 / p95", value: `${duration(s.runs.duration.p50)} / ${duration(s.runs.duration.p95)}`, testId: "run-duration", wide: true },
    { label: "Live workers", value: String(s.workers.live), tone: s.workers.live === 0 ? "text-red-700" : undefined, testId: "live-workers" },
  ];
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5 xl:grid-cols-10" aria-label="Counters" role="group">
      {cards.map((c) => {
        const body = (
          <dl>
            <dt className="text-xs font-medium text-zinc-500">{c.label}</dt>
            <dd className={cx("mt-1 font-semibold whitespace-nowrap tabular-nums text-zinc-900", c.value.length > 12 ? "text-base" : "text-xl", c.tone)} data-testid={c.testId}>
              {c.value}
            </dd>
          </dl>
        );
        return c.href ? (
          <Link key={c.label} href={c.href} className="rounded-lg border border-zinc-200 bg-white px-3 py-2.5 hover:border-indigo-300">
            {body}
          </Link>
        ) : (
          <div key={c.label} className={cx("rounded-lg border border-zinc-200 bg-white px-3 py-2.5", c.wide && "col-span-2")}>
            {body}
          </div>
        );
      })}
    </div>
  );
}

/** A small table of figures: a name in the first column, numbers right-aligned after it. */
function FigureTable({ label, headers, rows, empty, testId }: { label: string; headers: string[]; rows: { key: string; cells: React.ReactNode[] }[]; empty: string; testId?: string }) {
  return (
    <table className="w-full text-sm" aria-label={label}>
      <thead className="text-left text-xs text-zinc-500">
        <tr>
          {headers.map((h, i) => (
            <th key={h} className={cx("py-1 font-medium", i > 0 && "text-right")}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 tabular-nums" data-testid={testId}>
        {rows.map((r) => (
          <tr key={r.key}>
            {r.cells.map((c, i) => (
              <td key={i} className={cx("py-1.5", i === 0 ? "font-mono text-xs" : "text-right")}>
                {c}
              </td>
            ))}
          </tr>
        ))}
        {rows.length === 0 ? (
          <tr>
            <td colSpan={headers.length} className="py-3 text-center text-xs text-zinc-500">
              {empty}
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

/** Canary rollouts running now, each with its versions compared (none: nothing shown). */
function Rollouts() {
  const rollouts = useQuery({ ...rolloutsQuery(), refetchInterval: 10_000 }).data?.rollouts ?? [];
  if (rollouts.length === 0) return null;
  return (
    <div className="grid gap-6 xl:grid-cols-2">
      {rollouts.map((r) => (
        <Panel
          key={r.id}
          title={`Canary: ${r.name}`}
          subtitle={`v${r.rollout.versions.map((c) => c.version).join(", v")} next to v${r.active} since ${timeAgo(r.rollout.startedAt)}`}
          action={
            <Link href={`/workflows/${r.id}/rollout`} className="text-xs font-medium text-indigo-700 hover:underline">
              Promote or roll back →
            </Link>
          }
        >
          <RolloutComparison stats={r.stats} margin={r.rollout.autoRollback?.margin} />
        </Panel>
      ))}
    </div>
  );
}

function Panel({ title, subtitle, action, children }: { title: string; subtitle?: string; action?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4" aria-label={title}>
      <div className="mb-3 flex items-start justify-between gap-2">
        <div>
          <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
          {subtitle ? <p className="text-xs text-zinc-500">{subtitle}</p> : null}
        </div>
        {action ? <div className="shrink-0 whitespace-nowrap">{action}</div> : null}
      </div>
      {children}
    </section>
  );
}

function bucketName(seconds: number): string {
  if (seconds < 60) return `${seconds} seconds`;
  if (seconds === 60) return "minute";
  if (seconds < 3600) return `${seconds / 60} minutes`;
  return seconds === 3600 ? "hour" : `${seconds / 3600} hours`;
}

function tick(iso: string, window: StatsWindow): string {
  const d = new Date(iso);
  return window === "7d" ? d.toLocaleString(undefined, { weekday: "short", hour: "2-digit" }) : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
}
