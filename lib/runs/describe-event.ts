// Run events in words, for the audit log. Browser-safe. Steps are called by their names where the
// caller knows them (the version's definition), by their ids otherwise. Every type of the event
// catalog has its sentence: a type added there is a compile error here until it has one.
import { progressLabel } from "./progress.ts";
import { eventKind, type EventKind } from "../engine/event-catalog.ts";
import { isKnownEvent, isKnownType, type KnownEvent, type StreamEvent } from "../live/event.ts";

export type { EventKind } from "../engine/event-catalog.ts";

export interface EventDescription {
  kind: EventKind;
  text: string;
}

const seconds = (ms: number | undefined) => (typeof ms === "number" ? (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`) : "");
const message = (error: { message?: string } | undefined) => (typeof error?.message === "string" ? error.message : "");
const reasons: Record<string, string> = {
  run_failed: "the run failed",
  run_cancelled: "the run was cancelled",
  run_timed_out: "the run timed out",
  parent_stopped: "the parent run stopped",
  branch: "branch not taken",
};
const reason = (r: string | undefined) => (typeof r === "string" ? (reasons[r] ?? r) : "");

export function describeEvent(e: StreamEvent, nameOf: (nodeId: string) => string = (id) => id): EventDescription {
  // A type this version does not know (written by another version): shown as it is.
  if (!isKnownEvent(e)) return { kind: eventKindOf(e.type), text: e.type };
  return { kind: eventKind(e.type), text: sentence(e, nameOf) };
}

/** An event's kind; an unknown type's from its prefix, as the catalog's types have it. */
export function eventKindOf(type: string): EventKind {
  if (isKnownType(type)) return eventKind(type);
  return type.startsWith("command.") ? "command" : type.startsWith("run.") ? "run" : type.startsWith("callback.") ? "callback" : "step";
}

function sentence(e: KnownEvent, nameOf: (nodeId: string) => string): string {
  const step = e.nodeId ? nameOf(e.nodeId) : "";
  const named = (id: string | undefined) => (typeof id === "string" ? nameOf(id) : "");
  switch (e.type) {
    case "run.created":
      return "Run created";
    case "run.started":
      return "Run started";
    case "run.held":
      return `Run held: ${e.data.active} of at most ${e.data.limit} runs of this workflow active${e.data.ahead ? `, ${e.data.ahead} waiting before it` : ""}`;
    case "run.admitted":
      return `Run admitted after ${seconds(e.data.waitedMs)} waiting for a slot`;
    case "run.waiting":
      return "Run waiting";
    case "run.resumed":
      return "Run resumed";
    case "run.reopened":
      return "Run reopened";
    case "run.succeeded":
      return "Run succeeded";
    case "run.failed":
      return `Run failed${message(e.data.error) ? `: ${message(e.data.error)}` : ""}`;
    case "run.cancelled":
      return "Run cancelled";
    case "run.compensating": {
      const steps = Array.isArray(e.data.plan) ? e.data.plan.map((p) => named(p.nodeId)).join(", ") : "";
      return `Run failed${message(e.data.error) ? ` (${message(e.data.error)})` : ""}; undoing ${steps}${e.data.order === "parallel" ? " all at once" : ", latest first"}`;
    }
    case "run.compensation_resumed":
      return "Compensation resumed";
    case "run.compensated":
      return "Run compensated: every completed step was undone";
    case "run.compensation_failed":
      return `Compensation stopped: ${named(e.data.nodeId)} failed${message(e.data) ? ` (${message(e.data)})` : ""}; retry or skip it`;
    case "step.queued":
      return `${step} queued (attempt ${e.data.attempt ?? 1})${typeof e.data.reason === "string" ? `: ${e.data.reason}` : ""}`;
    case "step.started":
      return `${step} started attempt ${e.data.attempt}`;
    case "step.succeeded":
      return `${step} succeeded${e.data.durationMs !== undefined ? ` in ${seconds(e.data.durationMs)}` : ""}${typeof e.data.branch === "string" ? ` → ${e.data.branch}` : ""}`;
    case "step.retry_scheduled":
      return `${step} attempt ${e.data.attempt} failed: ${message(e.data.error)}; retry in ${seconds(e.data.delayMs)}`;
    case "step.failed":
      return `${step} failed on attempt ${e.data.attempt}: ${message(e.data.error)}`;
    case "step.dead_lettered":
      return `${step} moved to the dead letters`;
    case "step.waiting":
      return `${step} waiting${e.data.kind && e.data.kind !== "timer" ? ` for ${e.data.kind.replaceAll("_", " ")}` : ""}${typeof e.data.until === "string" ? ` ${e.data.kind === "timer" ? "until" : "at most until"} ${new Date(e.data.until).toLocaleString()}` : ""}`;
    case "step.held":
      return `${step} held back: ${e.data.reason}; attempt ${e.data.nextAttempt} then (this one does not count)`;
    case "step.interrupted":
      return `${step} attempt ${e.data.attempt} interrupted: its worker shut down; attempt ${e.data.nextAttempt} queued`;
    case "step.skipped":
      return `${step} skipped (${reason(e.data.reason)})`;
    case "step.cancelled":
      return `${step} cancelled (${reason(e.data.reason)})`;
    case "step.reused":
      return `${step} reused its output from run ${String(e.data.sourceRunId ?? "").slice(0, 8)}`;
    case "step.progress":
      return `${step}: ${progressLabel(e.data)}${e.data.done !== undefined ? ` (${e.data.percent} %)` : ""}`;
    case "step.job_resent":
      return `${step || "a step"}: job sent again (the queue had lost it)`;
    case "command.cancel":
      return "Cancel";
    case "command.compensate":
      return "Fail and compensate";
    case "command.resume":
      return `Resume${Array.isArray(e.data.steps) ? `: ${e.data.steps.map(named).join(", ")} queued again` : ""}`;
    case "command.retry_step":
      return `Retry step ${named(e.data.nodeId)}`;
    case "command.skip_step":
      return `Skip step ${named(e.data.nodeId)}${typeof e.data.branch === "string" ? ` (branch ${e.data.branch})` : ""}`;
    case "command.replay":
      return `Replay from ${named(e.data.fromNodeId)}${e.data.inputChanged ? " with a new input" : ""} as run ${String(e.data.newRunId ?? "").slice(0, 8)}`;
    case "command.requeue_dead_letter":
      return `Requeue ${step} from the dead letters`;
    case "command.discard_dead_letter":
      return `Discard the dead letter of ${step}`;
    case "approval.requested":
      return `${step} asked for approval: ${e.data.title}`;
    case "approval.decided": {
      const verb = e.data.decision === "approve" ? "approved" : e.data.decision === "reject" ? "rejected" : "requested changes to";
      const progress = e.data.decision === "approve" && e.data.to === "pending_approval" ? ` (${e.data.approvals} of ${e.data.quorum} approvals)` : "";
      return `${actorName(e.actor)} ${verb} ${step}${progress}${e.data.comment ? `: ${e.data.comment}` : ""}`;
    }
    case "approval.resubmitted":
      return `${actorName(e.actor)} resubmitted ${step} for approval (version ${e.data.dataVersion}): ${e.data.comment}`;
    case "approval.expired":
      return e.data.to === "approved" ? `${step} was approved at its deadline, as its policy says` : `${step} expired at its deadline without a decision (branch ${e.data.branch})`;
    case "approval.escalated":
      return `${step} was escalated to ${[...e.data.roles.map((r) => `role ${r}`), ...e.data.users].join(", ")}${e.data.deadline ? `, deadline ${e.data.deadline}` : ""}`;
    case "approval.reminded":
      return `Reminder ${e.data.reminders} for ${step}, waiting on ${e.data.waitingOn.join(", ")}`;
    case "approval.cancelled":
      return `The approval request of ${step} was cancelled: ${e.data.reason}`;
    case "callback.delivered":
      return `Result delivered to ${e.data.host}${typeof e.data.attempt === "number" && e.data.attempt > 1 ? ` (attempt ${e.data.attempt})` : ""}`;
    case "callback.failed":
      return `Result could not be delivered to ${e.data.host} after ${e.data.attempts} attempts: ${e.data.error}`;
    default: {
      // Every type of the catalog has a case above: `e` is never here (a compile error otherwise).
      const unhandled: never = e;
      return (unhandled as StreamEvent).type;
    }
  }
}

/** "user:ada@example.com" → "ada@example.com"; "worker:host-1" → "worker host-1". */
export function actorName(actor: string): string {
  const [kind, ...rest] = actor.split(":");
  const id = rest.join(":");
  if (kind === "user" || kind === "token") return kind === "token" ? `API token ${id}` : id;
  if (kind === "system") return id;
  return id ? `${kind} ${id}` : actor;
}
