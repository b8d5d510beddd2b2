// Cron fire times across clock changes, under each policy, in two zones whose changes fall on
// different dates (Europe/Berlin: last Sundays of March and October at 02:00/03:00 local;
// America/New_York: second Sunday of March and first Sunday of November at 02:00 local).
import { describe, expect, it } from "vitest";
import { cronProblem, fireTimes, timezoneProblem, type Schedule } from "#lib/triggers/schedule.ts";

const times = (schedule: Partial<Schedule> & { cron: string; timezone: string }, after: string, limit: number) =>
  fireTimes({ onSkippedTime: "shift", onRepeatedTime: "first", ...schedule }, new Date(after), { limit }).map((f) => [f.at.toISOString().slice(0, 16), f.clockChange ?? ""]);

describe("cron fire times", () => {
  it("fires daily at the wall-clock time, the UTC instant following the zone's offset", () => {
    expect(times({ cron: "0 9 * * 1-5", timezone: "Europe/Berlin" }, "2026-03-26T12:00:00Z", 3)).toEqual([
      ["2026-03-27T08:00", ""], // Friday, CET (+1)
      ["2026-03-30T07:00", ""], // Monday, CEST (+2)
      ["2026-03-31T07:00", ""],
    ]);
    expect(times({ cron: "@hourly", timezone: "UTC" }, "2026-03-07T12:00:00Z", 2)).toEqual([
      ["2026-03-07T13:00", ""],
      ["2026-03-07T14:00", ""],
    ]);
  });

  describe("a time skipped by spring-forward", () => {
    it("shift: runs at the first minute after the gap (Berlin 02:30 → 03:00 CEST)", () => {
      expect(times({ cron: "30 2 * * *", timezone: "Europe/Berlin" }, "2026-03-28T12:00:00Z", 2)).toEqual([
        ["2026-03-29T01:00", "shifted"],
        ["2026-03-30T00:30", ""],
      ]);
    });
    it("skip: does not run that day", () => {
      expect(times({ cron: "30 2 * * *", timezone: "America/New_York", onSkippedTime: "skip" }, "2026-03-07T12:00:00Z", 2)).toEqual([
        ["2026-03-09T06:30", ""],
        ["2026-03-10T06:30", ""],
      ]);
    });
    it("shift runs once where several skipped times and the first valid one coincide", () => {
      expect(times({ cron: "*/30 * * * *", timezone: "Europe/Berlin" }, "2026-03-29T00:10:00Z", 3)).toEqual([
        ["2026-03-29T00:30", ""], // 01:30 CET
        ["2026-03-29T01:00", "shifted"], // 02:00 and 02:30 do not exist; 03:00 CEST runs once
        ["2026-03-29T01:30", ""], // 03:30 CEST
      ]);
      expect(times({ cron: "30 2 * * *", timezone: "America/New_York" }, "2026-03-07T12:00:00Z", 1)).toEqual([["2026-03-08T07:00", "shifted"]]);
    });
  });

  describe("a time repeated by fall-back", () => {
    const berlin = { cron: "30 2 * * *", timezone: "Europe/Berlin" };
    it("first: runs on the first occurrence only (02:30 CEST)", () => {
      expect(times({ ...berlin, onRepeatedTime: "first" }, "2026-10-24T12:00:00Z", 2)).toEqual([
        ["2026-10-25T00:30", "repeated-first"],
        ["2026-10-26T01:30", ""],
      ]);
    });
    it("last: runs on the second occurrence only (02:30 CET)", () => {
      expect(times({ ...berlin, onRepeatedTime: "last" }, "2026-10-24T12:00:00Z", 2)).toEqual([
        ["2026-10-25T01:30", "repeated-second"],
        ["2026-10-26T01:30", ""],
      ]);
    });
    it("both: runs on each occurrence, an hour apart", () => {
      expect(times({ cron: "30 1 * * *", timezone: "America/New_York", onRepeatedTime: "both" }, "2026-10-31T12:00:00Z", 3)).toEqual([
        ["2026-11-01T05:30", "repeated-first"],
        ["2026-11-01T06:30", "repeated-second"],
        ["2026-11-02T06:30", ""],
      ]);
    });
    it("starting inside the repeated hour still finds its second occurrence", () => {
      expect(times({ cron: "*/30 * * * *", timezone: "Europe/Berlin", onRepeatedTime: "both" }, "2026-10-25T00:40:00Z", 3)).toEqual([
        ["2026-10-25T01:00", "repeated-second"], // 02:00 CET
        ["2026-10-25T01:30", "repeated-second"], // 02:30 CET
        ["2026-10-25T02:00", ""], // 03:00 CET
      ]);
    });
  });

  it("stops at `until`", () => {
    expect(fireTimes({ cron: "*/15 * * * *", timezone: "UTC", onSkippedTime: "shift", onRepeatedTime: "first" }, new Date("2026-01-01T00:00:00Z"), { until: new Date("2026-01-01T01:00:00Z") })).toHaveLength(4);
  });

  it("explains an invalid expression or zone", () => {
    expect(cronProblem("61 * * * *")).toMatch(/minute/);
    expect(cronProblem("* * * * * *")).toMatch(/5 fields/);
    expect(cronProblem("every day")).toMatch(/5 fields/);
    expect(cronProblem("@daily")).toBeNull();
    expect(cronProblem("0 9 * * MON-FRI")).toBeNull();
    expect(timezoneProblem("Mars/Olympus")).toMatch(/Unknown time zone/);
    expect(timezoneProblem("Europe/Berlin")).toBeNull();
  });
});
