// A rollout's versions side by side: share of new runs, runs started and finished since it
// began, failure rate, p50/p95 duration and open dead letters. A canary failing more than its
// stable version is marked.
import { duration } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import type { VersionStats } from "#lib/workflows/rollout.ts";

const pct = (rate: number | null) => (rate === null ? "–" : `${Math.round(rate * 1000) / 10} %`);

export function RolloutComparison({ stats, margin }: { stats: VersionStats[]; margin?: number }) {
  const stable = stats.find((s) => s.role === "stable");
  const worse = (s: VersionStats) => s.role === "canary" && s.failureRate !== null && stable?.failureRate !== undefined && s.failureRate > (stable.failureRate ?? 0) + (margin ?? 0) / 100;
  const rows: [string, (s: VersionStats) => React.ReactNode][] = [
    ["Share of new runs", (s) => `${s.weight} %`],
    ["Runs", (s) => s.runs.toLocaleString("en-US")],
    ["Finished", (s) => s.finished.toLocaleString("en-US")],
    ["Failure rate", (s) => <span className={cx(worse(s) && "font-semibold text-red-700")}>{pct(s.failureRate)} {s.failed ? <span className="text-xs text-zinc-500">({s.failed} failed)</span> : null}</span>],
    ["p50 duration", (s) => (s.p50Ms === null ? "–" : duration(s.p50Ms))],
    ["p95 duration", (s) => (s.p95Ms === null ? "–" : duration(s.p95Ms))],
    ["Dead letters open", (s) => <span className={cx(s.deadLetters > 0 && "text-red-700")}>{s.deadLetters}</span>],
  ];
  return (
    <table className="w-full max-w-3xl text-sm" aria-label="Versions compared" data-testid="rollout-comparison">
      <thead>
        <tr className="border-b border-zinc-200 text-left">
          <th className="py-1.5 pr-3 text-xs font-medium text-zinc-500" />
          {stats.map((s) => (
            <th key={s.version} className="py-1.5 pr-3 font-semibold text-zinc-900">
              v{s.version}{" "}
              <span className={cx("rounded-full px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset", s.role === "canary" ? "bg-amber-50 text-amber-800 ring-amber-200" : "bg-emerald-50 text-emerald-700 ring-emerald-200")}>{s.role}</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, cell]) => (
          <tr key={label} className="border-b border-zinc-100 last:border-0">
            <th scope="row" className="py-1.5 pr-3 text-left text-xs font-medium text-zinc-500">{label}</th>
            {stats.map((s) => (
              <td key={s.version} className="py-1.5 pr-3 tabular-nums">{cell(s)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
