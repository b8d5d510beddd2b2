// A run's progress as a bar and its words (lib/runs/progress.ts): on the run page's header and
// in the runs list.
import type { RunProgress } from "#lib/runs/progress.ts";
import { progressLabel } from "#lib/runs/progress.ts";
import { cx } from "#lib/client/cx.ts";

export function ProgressMeter({ progress, testId, className, barClassName = "h-1.5 w-28" }: { progress: RunProgress; testId: string; className?: string; barClassName?: string }) {
  const label = progressLabel(progress);
  return (
    <span className={cx("flex min-w-0 items-center gap-2 text-xs text-zinc-600", className)} data-testid={testId}>
      <span className={cx("shrink-0 overflow-hidden rounded-full bg-zinc-200", barClassName)} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress.percent}>
        <span className="block h-full bg-sky-500" style={{ width: `${progress.percent}%` }} />
      </span>
      <span className="truncate">{label}</span>
    </span>
  );
}
