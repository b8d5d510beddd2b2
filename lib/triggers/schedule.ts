// Cron fire times in a time zone, with an explicit policy for clock changes. Croner parses the
// expression and walks the *wall-clock* times it matches (computed at UTC offset 0, where no clock
// ever changes); this module maps each wall time to the instants it names in the zone:
// none (a spring-forward gap: `shift` to the first minute after the gap, or `skip`), one, or two
// (a fall-back repeat: `first`, `last` or `both`). Browser-safe: the editor shows the same times.
import { Cron } from "croner";

export const SKIPPED_TIME_POLICIES = ["shift", "skip"] as const;
export const REPEATED_TIME_POLICIES = ["first", "last", "both"] as const;
export type SkippedTimePolicy = (typeof SKIPPED_TIME_POLICIES)[number];
export type RepeatedTimePolicy = (typeof REPEATED_TIME_POLICIES)[number];

export interface Schedule {
  cron: string;
  timezone: string;
  onSkippedTime: SkippedTimePolicy;
  onRepeatedTime: RepeatedTimePolicy;
}

export interface FireTime {
  at: Date;
  /** The wall-clock time the expression matched, `YYYY-MM-DDTHH:mm` in the schedule's zone. */
  wall: string;
  /** Set when a clock change moved or doubled this fire. */
  clockChange?: "shifted" | "repeated-first" | "repeated-second";
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Checks a 5-field expression (or an @alias); returns why it is invalid, or null. */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (!text.startsWith("@") && text.split(/\s+/).length !== 5) return "Use 5 fields (minute hour day-of-month month day-of-week) or an alias such as @hourly.";
  try {
    wallClock(text);
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, "");
  }
}

/** Checks an IANA zone name; returns why it is invalid, or null. */
export function timezoneProblem(zone: string): string | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.includes("/") || zone === "UTC" ? null : "Use an IANA zone name such as Europe/Berlin or UTC.";
  } catch {
    return `Unknown time zone "${zone}": use an IANA name such as Europe/Berlin or America/New_York.`;
  }
}

const wallClock = (expression: string) => new Cron(expression.trim(), { utcOffset: 0, mode: "5-part", paused: true });

/** The fire times after `after` (exclusive) up to `until` (inclusive), at most `limit` of them. */
export function fireTimes(schedule: Schedule, after: Date, options: { until?: Date; limit?: number }): FireTime[] {
  const limit = options.limit ?? 1000;
  const until = options.until?.getTime() ?? Infinity;
  const cron = wallClock(schedule.cron);
  const offsets = offsetReader(schedule.timezone);
  // A fall-back repeats up to a few hours of wall time, so start matching a little before.
  let wall: Date | null = new Date(offsets.wallOf(after.getTime()) - 4 * 60 * MINUTE);
  const found = new Map<number, FireTime>();
  const stopWall = until === Infinity ? Infinity : offsets.wallOf(until) + 4 * 60 * MINUTE;
  while (found.size < limit + 8) {
    wall = cron.nextRun(wall);
    if (!wall || wall.getTime() > stopWall) break;
    for (const fire of instantsOf(wall.getTime(), schedule, offsets)) {
      const t = fire.at.getTime();
      if (t > after.getTime() && t <= until && !found.has(t)) found.set(t, fire);
    }
  }
  return [...found.values()].sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, limit);
}

/** The instants a wall-clock time (as epoch ms at offset 0) names in the zone, under the policy. */
function instantsOf(wall: number, schedule: Schedule, offsets: ReturnType<typeof offsetReader>): FireTime[] {
  const label = new Date(wall).toISOString().slice(0, 16);
  const candidates = [...new Set([offsets.offsetAt(wall - DAY), offsets.offsetAt(wall), offsets.offsetAt(wall + DAY)])]
    .map((offset) => wall - offset)
    .filter((t) => offsets.wallOf(t) === wall)
    .sort((a, b) => a - b);
  if (candidates.length === 1) return [{ at: new Date(candidates[0]), wall: label }];
  if (candidates.length > 1) {
    const [first, last] = [candidates[0], candidates.at(-1)!];
    if (schedule.onRepeatedTime === "first") return [{ at: new Date(first), wall: label, clockChange: "repeated-first" }];
    if (schedule.onRepeatedTime === "last") return [{ at: new Date(last), wall: label, clockChange: "repeated-second" }];
    return [
      { at: new Date(first), wall: label, clockChange: "repeated-first" },
      { at: new Date(last), wall: label, clockChange: "repeated-second" },
    ];
  }
  // A gap: the clock jumped over this time. The first valid minute after it is the jump itself.
  if (schedule.onSkippedTime === "skip") return [];
  return [{ at: new Date(offsets.transitionAfter(wall - offsets.offsetAt(wall - DAY) - 12 * 60 * MINUTE)), wall: label, clockChange: "shifted" }];
}

/** Offsets of one zone, read through Intl (cached per zone, minutes precision). */
function offsetReader(zone: string) {
  const format = formatter(zone);
  const wallOf = (t: number) => {
    const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  };
  const offsetAt = (t: number) => wallOf(t) - Math.floor(t / MINUTE) * MINUTE;
  /** The first minute after `from` at which the offset differs from the offset at `from`. */
  const transitionAfter = (from: number) => {
    const start = offsetAt(from);
    let lo = Math.floor(from / MINUTE) * MINUTE;
    let hi = lo + DAY;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetAt(mid) === start) lo = mid;
      else hi = mid;
    }
    return hi;
  };
  return { wallOf, offsetAt, transitionAfter };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string) {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    formatters.set(zone, format);
  }
  return format;
}
