// Durations as people write them in configs: "90s", "45m", "2h", "3d", combinable ("1d12h").
import { z } from "zod";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^(?:\d+[smhd])+$/;

export function parseDuration(text: string): number {
  if (!PATTERN.test(text)) throw new Error(`not a duration: ${text}`);
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms;
}

export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000) * 1000;
  for (const [unit, size] of Object.entries(UNIT_MS).reverse()) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("") || "0s";
}

/** A config field holding a duration, at most a year. */
export const duration = z
  .string()
  .regex(PATTERN, "Write a duration such as 90s, 45m, 2h, 3d or 1d12h.")
  .refine((text) => parseDuration(text) <= 366 * UNIT_MS.d, "At most a year (366d).");
