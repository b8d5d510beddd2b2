// The audit log's sentences: one for every type of the event catalog, and types this version does
// not know shown as they are rather than breaking the log.
import { describe, expect, it } from "vitest";
import { eventKind, eventTypes, type EventPayloads, type EventType } from "../../lib/engine/event-catalog.ts";
import { actorName, describeEvent, eventKindOf } from "../../lib/runs/describe-event.ts";
import type { StreamEvent } from "../../lib/live/event.ts";

/** A payload of each type as the engine writes it. */
const samples: { [T in EventType]: EventPayloads[T] } = {
  "run.created": { version: 3 },
  "run.started": {},
  "run.held": { limit: 3, active: 3, ahead: 1 },
  "run.admitted": { waitedMs: 4200 },
  "run.waiting": {},
  "run.resumed": {},
  "run.reopened": {},
  "run.succeeded": {},
  "run.failed": { error: { message: "HTTP 500", nodeId: "call" } },
  "run.cancelled": {},
  "run.compensating": { error: { message: "HTTP 402", nodeId: "charge" }, order: "reverse", plan: [{ nodeId: "call", compensator: "undo_call" }] },
  "run.compensated": {},
  "run.compensation_resumed": {},
  "run.compensation_failed": { nodeId: "undo_call", message: "HTTP 500" },
  "step.queued": { attempt: 1 },
  "step.started": { attempt: 1, workerId: "w1" },
  "step.succeeded": { attempt: 1, durationMs: 1500, branch: "yes" },
  "step.retry_scheduled": { attempt: 1, outcome: "failed", nextAttempt: 2, delayMs: 2000, at: "2026-12-02T10:00:02.000Z", error: { message: "HTTP 503" } },
  "step.failed": { attempt: 3, outcome: "timed_out", reason: "attempts used up", error: { message: "timed out" } },
  "step.dead_lettered": { reason: "attempts used up" },
  "step.waiting": { attempt: 1, until: "2026-12-02T11:00:00.000Z", kind: "delay" },
  "step.interrupted": { attempt: 1, nextAttempt: 2 },
  "step.held": { attempt: 1, nextAttempt: 2, dependency: "api.example.com", reason: "circuit api.example.com open until 12:04:10", until: "2026-12-02T12:04:10.000Z" },
  "step.skipped": { reason: "branch" },
  "step.cancelled": { reason: "run_cancelled", attempt: 1 },
  "step.progress": { done: 4200, total: 10000, failed: 3, percent: 42 },
  "step.reused": { from: "s-old", sourceRunId: "0b7f5e2a-1111-2222-3333-444455556666" },
  "step.job_resent": { attempt: 1, status: "queued" },
  "command.cancel": {},
  "command.compensate": {},
  "command.resume": { steps: ["call"] },
  "command.retry_step": { nodeId: "call" },
  "command.skip_step": { nodeId: "call", branch: "no" },
  "command.replay": { newRunId: "9d2c1b0a-1111-2222-3333-444455556666", fromNodeId: "call", inputChanged: true },
  "command.requeue_dead_letter": { deadLetterId: "d1" },
  "command.discard_dead_letter": { deadLetterId: "d1" },
  "approval.requested": { requestId: "7d1c6f2e-0000-4000-8000-000000000000", title: "Refund 120 EUR?" },
  "approval.decided": { requestId: "7d1c6f2e-0000-4000-8000-000000000000", decision: "approve", from: "pending_approval", to: "pending_approval", approvals: 1, quorum: 2, comment: "fine by me" },
  "approval.resubmitted": { requestId: "7d1c6f2e-0000-4000-8000-000000000000", dataVersion: 2, comment: "amount lowered" },
  "approval.expired": { requestId: "7d1c6f2e-0000-4000-8000-000000000000", to: "expired", branch: "rejected" },
  "approval.escalated": { requestId: "7d1c6f2e-0000-4000-8000-000000000000", roles: ["admin"], users: ["cfo@example.com"], deadline: "2026-12-03T10:00:00.000Z" },
  "approval.reminded": { requestId: "7d1c6f2e-0000-4000-8000-000000000000", reminders: 2, waitingOn: ["role approver"] },
  "approval.cancelled": { requestId: "7d1c6f2e-0000-4000-8000-000000000000", reason: "the run was cancelled" },
  "callback.delivered": { attempt: 2, host: "hooks.example.com" },
  "callback.failed": { attempts: 8, error: "HTTP 502", host: "hooks.example.com" },
};

let nextId = 1;
const event = (type: string, data: Record<string, unknown>, nodeId: string | null = "call"): StreamEvent => {
  const id = nextId++;
  return { position: `100-${id}`, id: String(id), runId: "r1", stepRunId: nodeId ? `s-${nodeId}` : null, nodeId, type, actor: "worker:w1", data, at: "2026-12-02T10:00:00.000Z" };
};

describe("describing events", () => {
  it.each(eventTypes)("%s has a sentence of its own and the catalog's kind", (type) => {
    const d = describeEvent(event(type, samples[type]), (id) => (id === "call" ? "Call the API" : id));
    expect(d.text.trim()).not.toBe("");
    expect(d.text).not.toBe(type);
    expect(d.text).not.toContain("undefined");
    expect(d.kind).toBe(eventKind(type));
  });

  it("calls steps by their names", () => {
    expect(describeEvent(event("step.failed", samples["step.failed"]), () => "Call the API").text).toBe("Call the API failed on attempt 3: timed out");
    expect(describeEvent(event("command.resume", samples["command.resume"], null), () => "Call the API").text).toBe("Resume: Call the API queued again");
  });

  it("shows a type it does not know as it is, with the kind its prefix says", () => {
    expect(describeEvent(event("step.teleported", { attempt: 1 }))).toEqual({ kind: "step", text: "step.teleported" });
    expect(describeEvent(event("command.pause", {}, null))).toEqual({ kind: "command", text: "command.pause" });
    expect(eventKindOf("callback.retried")).toBe("callback");
    expect(eventKindOf("run.paused")).toBe("run");
  });

  it("names actors", () => {
    expect(actorName("user:ada@example.com")).toBe("ada@example.com");
    expect(actorName("worker:host-1")).toBe("worker host-1");
    expect(actorName("token:ci")).toBe("API token ci");
  });
});
