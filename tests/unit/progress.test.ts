// Progress in words and figures: a for-each's items, a child run's steps, a Code step's percent and
// message, and the run's figure the API and the run page both compute.
import { describe, expect, it } from "vitest";
import { cleanProgress, progressLabel, runProgress } from "../../lib/runs/progress.ts";

describe("progress", () => {
  it("reads as counted things, or as a percent, with the step's message", () => {
    expect(progressLabel({ percent: 30, done: 300, total: 1000, failed: 2 })).toBe("300 of 1,000 items, 2 failed");
    expect(progressLabel({ percent: 40, done: 2, total: 5, unit: "steps" })).toBe("2 of 5 steps");
    expect(progressLabel({ percent: 40, message: "parsing rows" })).toBe("40 % · parsing rows");
  });

  it("gives a run the items of its for-each under way, else its steps decided, with a running step's message", () => {
    expect(runProgress(2, 5, { percent: 30, done: 300, total: 1000, failed: 0 })).toEqual({ percent: 30, done: 300, total: 1000, unit: "items" });
    expect(runProgress(2, 5, { percent: 40, done: 2, total: 5, unit: "steps" })).toEqual({ percent: 40, done: 2, total: 5, unit: "steps" });
    expect(runProgress(1, 3, { percent: 75, message: "part 3 of 4" })).toEqual({ percent: 33, done: 1, total: 3, unit: "steps", message: "part 3 of 4" });
    // More decided than it can take (a compensation ran, a replay reused steps): never over 100.
    expect(runProgress(7, 5, null)).toEqual({ percent: 100, done: 7, total: 7, unit: "steps" });
  });

  it("clamps what a script reports: a whole percent in 0..100, a message of at most 200 characters", () => {
    expect(cleanProgress(1e9, "x".repeat(1000))).toEqual({ percent: 100, message: "x".repeat(200) });
    expect(cleanProgress(-5, "  ")).toEqual({ percent: 0 });
    expect(cleanProgress(Number.NaN, { not: "text" })).toEqual({ percent: 0 });
    expect(cleanProgress(33.6, " reading ")).toEqual({ percent: 34, message: "reading" });
  });
});
