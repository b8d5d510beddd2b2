// How many evaluations served each value in the last hour: a bar split by value, with counts.
import { cx } from "#lib/client/cx.ts";
import type { FlagValue } from "#lib/flags/definition.ts";

const COLORS = ["bg-indigo-500", "bg-zinc-400", "bg-emerald-500", "bg-amber-500", "bg-sky-500", "bg-rose-500"];

export function ServedLastHour({ counts, values, compact }: { counts: { value: FlagValue; count: number }[]; values: FlagValue[]; compact?: boolean }) {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  if (total === 0) return <span className="text-xs text-zinc-500">no evaluations in the last hour</span>;
  const color = (v: FlagValue) => COLORS[Math.max(0, values.indexOf(v)) % COLORS.length];
  return (
    <div className={cx("space-y-1", compact ? "w-48" : "w-full max-w-xl")} data-testid="flag-served">
      <div className="flex h-2 overflow-hidden rounded-full bg-zinc-100" role="img" aria-label={counts.map((c) => `${String(c.value)}: ${c.count}`).join(", ")}>
        {counts.map((c) => (
          <span key={String(c.value)} className={color(c.value)} style={{ width: `${(100 * c.count) / total}%` }} />
        ))}
      </div>
      <p className="flex flex-wrap gap-x-3 text-xs text-zinc-600">
        {counts.map((c) => (
          <span key={String(c.value)} className="inline-flex items-center gap-1">
            <span className={cx("inline-block h-2 w-2 rounded-full", color(c.value))} />
            <span className="font-mono">{String(c.value)}</span> {c.count.toLocaleString("en-US")} ({Math.round((100 * c.count) / total)} %)
          </span>
        ))}
      </p>
    </div>
  );
}
