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
