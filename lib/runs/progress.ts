// How far a step or a run is, in words and as a figure. Browser-safe: the API (run lists and
// pages) and the run page compute the run's figure with the same rule.
import type { StepProgress } from "../engine/event-catalog.ts";

const count = (n: number) => n.toLocaleString("en-US");

/** "300 of 1,000 items, 2 failed", "3 of 7 steps", or "40 %"; with the step's message after it. */
export function progressLabel(p: StepProgress): string {
  const figure = p.done !== undefined && p.total !== undefined ? `${count(p.done)} of ${count(p.total)} ${p.unit ?? "items"}${p.failed ? `, ${count(p.failed)} failed` : ""}` : `${p.percent} %`;
  return p.message ? `${figure} · ${p.message}` : figure;
}

export interface RunProgress {
  percent: number;
  done: number;
  total: number;
  unit: "items" | "steps";
  message?: string;
}

/** The run's figure: the items of a for-each under way, else its steps decided over the steps it
 * can run (compensations left out); a message a running step reported comes along. */
export function runProgress(stepsDone: number, stepsTotal: number, open: StepProgress | null | undefined): RunProgress {
  if (open && open.done !== undefined && open.total !== undefined && (open.unit ?? "items") === "items") {
    return { percent: open.percent, done: open.done, total: open.total, unit: "items", ...(open.message ? { message: open.message } : {}) };
  }
  const total = Math.max(stepsTotal, stepsDone, 1);
  return { percent: Math.floor((stepsDone / total) * 100), done: stepsDone, total, unit: "steps", ...(open?.message ? { message: open.message } : {}) };
}

/** Clamps what a step reports to a whole percent in 0..100 and a message of at most 200 characters. */
export function cleanProgress(percent: unknown, message: unknown): StepProgress {
  const n = typeof percent === "number" && Number.isFinite(percent) ? Math.round(Math.min(100, Math.max(0, percent))) : 0;
  const text = typeof message === "string" && message.trim() ? message.trim().slice(0, 200) : undefined;
  return { percent: n, ...(text ? { message: text } : {}) };
}
