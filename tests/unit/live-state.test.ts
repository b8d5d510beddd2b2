// Applying streamed events to what the API returned: only events the response did not include,
// and never moving a step backwards, whatever order the events arrive in.
import { describe, expect, it } from "vitest";
import { parseSnapshot, snapshotIncludes } from "../../lib/live/snapshot.ts";
import { applyRunEvents, applyRunListEvents, type RunView, type StepView, type StreamEvent } from "../../lib/runs/live-state.ts";
import { comparePositions, parsePosition, positionParam } from "../../lib/live/position.ts";

let nextId = 1;
const ev = (xid: number, type: string, nodeId: string | null, data: Record<string, unknown> = {}): StreamEvent => {
  const id = nextId++;
  return { position: `${xid}-${id}`, id: String(id), runId: "r1", stepRunId: nodeId ? `s-${nodeId}` : null, nodeId, type, actor: "worker:w1", data, at: `2026-11-27T10:00:${String(id).padStart(2, "0")}.000Z` };
};

const step = (nodeId: string, status: string, attempt: number): StepView => ({
  id: `s-${nodeId}`, nodeId, iteration: 0, type: "http", status, attempt, maxAttempts: 3, input: null, output: null, branch: null, error: null, reason: null,
  workerId: null, queuedAt: null, startedAt: null, finishedAt: null, nextAttemptAt: null, waitUntil: null, waitKind: null, reusedFrom: null, attempts: [],
});

const run = (steps: StepView[], snapshot = "100:105:102"): RunView => ({
  id: "r1", workflowId: "w", workflowName: "W", version: 1, status: "running", error: null, idempotencyKey: null, correlationId: null, replayOf: null, trigger: null,
  createdBy: "user:a", createdAt: "", startedAt: null, finishedAt: null, durationMs: null, heldSince: null, progress: null, stuck: null, input: {}, output: null, deadlineAt: null,
  stuckSteps: [], steps, snapshot, callback: null, parent: null, children: [],
});

describe("snapshots", () => {
  it("include transactions committed before them, not those running or later", () => {
    const s = parseSnapshot("100:105:102,103");
    expect(snapshotIncludes(s, "99-7")).toBe(true);
    expect(snapshotIncludes(s, "101-1")).toBe(true);
    expect(snapshotIncludes(s, "102-1")).toBe(false);
    expect(snapshotIncludes(s, "104-1")).toBe(true);
    expect(snapshotIncludes(s, "105-1")).toBe(false);
    expect(snapshotIncludes(parseSnapshot("100:100:"), "100-1")).toBe(false);
  });

  it("order positions by transaction, then event id, and parse them strictly", () => {
    expect(comparePositions(parsePosition("9-100")!, parsePosition("10-1")!)).toBe(-1);
    expect(comparePositions(parsePosition("10-2")!, parsePosition("10-1")!)).toBe(1);
    expect(parsePosition("10")).toBeNull();
    expect(positionParam.safeParse("0").data).toEqual({ xid: 0n, id: 0n });
    expect(positionParam.safeParse("a-b").success).toBe(false);
  });
});

describe("applying run events", () => {
  it("marks a run held behind its workflow's limit, and admitted again", () => {
    const base = { ...run([]), status: "queued" as const };
    const event = ev(110, "run.held", null, { limit: 2, active: 2, ahead: 0 });
    const held = applyRunEvents(base, [event]);
    expect(held.heldSince).toBe(event.at);
    expect(held.status).toBe("queued");
    expect(applyRunEvents(held, [ev(111, "run.admitted", null, { waitedMs: 900 })]).heldSince).toBeNull();
    // Cancelled while it waited: no longer waiting for a slot.
    expect(applyRunEvents(held, [ev(112, "run.cancelled", null)])).toMatchObject({ status: "cancelled", heldSince: null });
  });

  it("skips what the response already includes and applies the rest", () => {
    const base = run([step("call", "running", 1)]);
    const view = applyRunEvents(base, [
      ev(99, "step.started", "call", { attempt: 1 }),
      ev(102, "step.retry_scheduled", "call", { attempt: 1, nextAttempt: 2, at: "2026-11-27T10:01:00Z", error: { message: "HTTP 500" } }),
    ]);
    expect(view.steps[0]).toMatchObject({ status: "retry_scheduled", attempt: 2, nextAttemptAt: "2026-11-27T10:01:00Z", error: { message: "HTTP 500" } });
    expect(applyRunEvents(base, [ev(104, "step.succeeded", "call", { attempt: 1 })])).toBe(base);
  });

  it("follows retries attempt by attempt to success, and adds steps it has not seen", () => {
    const view = applyRunEvents(run([step("call", "queued", 1)]), [
      ev(110, "step.started", "call", { attempt: 1 }),
      ev(111, "step.retry_scheduled", "call", { attempt: 1, nextAttempt: 2 }),
      ev(112, "step.started", "call", { attempt: 2 }),
      ev(113, "step.succeeded", "call", { attempt: 2, durationMs: 5 }),
      ev(113, "step.queued", "next", { attempt: 1 }),
      ev(114, "run.succeeded", null),
    ]);
    expect(view.steps.map((s) => [s.nodeId, s.status, s.attempt])).toEqual([["call", "succeeded", 2], ["next", "queued", 1]]);
    expect(view.steps[0].attempts.map((a) => [a.attempt, a.status, !!a.finishedAt])).toEqual([[1, "failed", true], [2, "succeeded", true]]);
    expect(view.status).toBe("succeeded");
  });

  it("never moves a step back when events arrive out of order", () => {
    const view = applyRunEvents(run([step("call", "queued", 1)]), [
      ev(120, "step.cancelled", "call", { attempt: 1, reason: "run_cancelled" }),
      ev(121, "step.started", "call", { attempt: 1 }),
    ]);
    expect(view.steps[0]).toMatchObject({ status: "cancelled", reason: "run_cancelled" });
    // A new attempt (operator retry) does move it on.
    const retried = applyRunEvents(view, [ev(122, "step.queued", "call", { attempt: 2 })]);
    expect(retried.steps[0]).toMatchObject({ status: "queued", attempt: 2, reason: null });
    // A skip after a failure, in the same attempt, too.
    const failed = applyRunEvents(run([step("x", "failed", 3)]), [ev(130, "step.skipped", "x", { attempt: 3, reason: "skipped by operator" })]);
    expect(failed.steps[0].status).toBe("skipped");
  });

  it("ignores event types it does not know (written by another version)", () => {
    const base = run([step("call", "running", 1)]);
    const unknown = [
      ev(110, "step.teleported", "call", { attempt: 5 }),
      ev(111, "run.paused", null),
      ev(112, "step.teleported", "elsewhere", {}),
    ];
    expect(applyRunEvents(base, unknown)).toBe(base);
    const rows = [{ id: "r1", status: "running" }];
    expect(applyRunListEvents(rows, "100:105:", unknown)).toBe(rows);
    // Known events around them still apply.
    const view = applyRunEvents(base, [unknown[0], ev(113, "step.succeeded", "call", { attempt: 1 }), unknown[1]]);
    expect(view.steps[0]).toMatchObject({ status: "succeeded", attempt: 1 });
    expect(view.status).toBe("running");
  });

  it("updates the status of listed runs from run events after the list was read", () => {
    const rows = [{ id: "r1", status: "running" }, { id: "r2", status: "queued" }];
    const next = applyRunListEvents(rows, "100:105:", [ev(99, "run.failed", null), { ...ev(106, "run.succeeded", null) }, { ...ev(107, "run.started", null), runId: "r2" }]);
    expect(next).toEqual([{ id: "r1", status: "succeeded" }, { id: "r2", status: "running" }]);
    expect(applyRunListEvents(rows, "100:105:", [ev(99, "run.failed", null)])).toBe(rows);
  });
});
