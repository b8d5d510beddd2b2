"use client";
// The next fire times of a schedule, in its zone and in the viewer's, with those a clock change
// moves or doubles marked. Computed in the browser by the same function the scheduler uses.
import { fireTimes, type FireTime } from "#lib/triggers/schedule.ts";
import type { CronConfig } from "#lib/triggers/schemas.ts";

const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const format = (at: Date, zone: string) =>
  at.toLocaleString("en-GB", { timeZone: zone, weekday: "short", day: "2-digit", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

const clockNotes: Record<NonNullable<FireTime["clockChange"]>, (wall: string) => string> = {
  shifted: (wall) => `${wall.slice(11)} does not exist that day (clocks go forward): runs at the next valid minute`,
  "repeated-first": (wall) => `${wall.slice(11)} happens twice that day (clocks go back): this is the first`,
  "repeated-second": (wall) => `${wall.slice(11)} happens twice that day (clocks go back): this is the second`,
};

export function CronPreview({ config, count = 10 }: { config: Pick<CronConfig, "cron" | "timezone" | "onSkippedTime" | "onRepeatedTime">; count?: number }) {
  let times: FireTime[] = [];
  let problem: string | null = null;
  try {
    times = fireTimes(config, new Date(), { limit: count });
  } catch (error) {
    problem = (error as Error).message;
  }
  const mine = viewerZone();
  if (problem) return <p className="text-xs text-red-600">{problem}</p>;
  if (times.length === 0) return <p className="text-xs text-zinc-600">This schedule never fires again.</p>;
  return (
    <ol aria-label="Next fire times" className="divide-y divide-zinc-100 rounded-md border border-zinc-200 text-xs">
      {times.map((t) => (
        <li key={t.at.toISOString()} className="flex flex-wrap items-baseline gap-x-3 px-2 py-1" data-clock-change={t.clockChange ?? undefined}>
          <span className="font-mono text-zinc-900">{format(t.at, config.timezone)}</span>
          {mine !== config.timezone ? <span className="text-zinc-500">your time: {format(t.at, mine)}</span> : null}
          {t.clockChange ? (
            <span className="rounded bg-amber-50 px-1 text-amber-800 ring-1 ring-amber-200" title={clockNotes[t.clockChange](t.wall)}>
              ⚠ {clockNotes[t.clockChange](t.wall)}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
