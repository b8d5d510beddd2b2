/** "3 min ago", "2 d ago": for timestamps where the exact time is in the title attribute. */
export function timeAgo(iso: string | Date | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 5) return "just now";
  const units: [number, string][] = [[86_400, "d"], [3_600, "h"], [60, "min"], [1, "s"]];
  for (const [size, unit] of units) if (seconds >= size) return `${Math.floor(seconds / size)} ${unit} ago`;
  return "just now";
}

export const fullTime = (iso: string | Date | null | undefined): string | undefined =>
  iso ? new Date(iso).toLocaleString() : undefined;

/** "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  // "3 min", not "3 min 0 s".
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) => (small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  if (ms < 3_600_000) return pair(Math.floor(ms / 60_000), "min", Math.floor((ms % 60_000) / 1000), "s");
  return pair(Math.floor(ms / 3_600_000), "h", Math.floor((ms % 3_600_000) / 60_000), "min");
}

export const clockTime = (iso: string | Date | null | undefined): string =>
  iso ? new Date(iso).toLocaleTimeString(undefined, { hour12: false, hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3 } as Intl.DateTimeFormatOptions) : "–";
