// Run events in words, for the audit log. Browser-safe. Steps are called by their names where the
// caller knows them (the version's definition), by their ids otherwise.
import type { StreamEvent } from "./live-state.ts";

export type EventKind = "command" | "run" | "step";

export interface EventDescription {
  kind: EventKind;
  text: string;
}

const seconds = (ms: unknown) => (typeof ms === "number" ? (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`) : "");
const message = (error: unknown) => (error && typeof error === "object" && "message" in error ? String((error as { message: unknown }).message) : "");
const reasons: Record<string, string> = {
  run_failed: "the run failed",
  run_cancelled: "the run was cancelled",
  run_timed_out: "the run timed out",
  branch: "branch not taken",
};
const reason = (r: unknown) => (typeof r === "string" ? (reasons[r] ?? r) : "");

export function describeEvent(e: StreamEvent, nameOf: (nodeId: string) => string = (id) => id): EventDescription {
  const d = e.data;
  const step = e.nodeId ? nameOf(e.nodeId) : "";
  const named = (id: unknown) => (typeof id === "string" ? nameOf(id) : "");
  switch (e.type) {
    case "run.created":
      return { kind: "run", text: "Run created" };
    case "run.started":
      return { kind: "run", text: "Run started" };
    case "run.waiting":
      return { kind: "run", text: "Run waiting" };
    case "run.resumed":
      return { kind: "run", text: "Run resumed" };
    case "run.reopened":
      return { kind: "run", text: "Run reopened" };
    case "run.succeeded":
      return { kind: "run", text: "Run succeeded" };
    case "run.failed":
      return { kind: "run", text: `Run failed${message(d.error) ? `: ${message(d.error)}` : ""}` };
    case "run.cancelled":
      return { kind: "run", text: "Run cancelled" };
    case "step.queued":
      return { kind: "step", text: `${step} queued (attempt ${d.attempt ?? 1})${typeof d.reason === "string" ? `: ${d.reason}` : ""}` };
    case "step.started":
      return { kind: "step", text: `${step} started attempt ${d.attempt}` };
    case "step.succeeded":
      return { kind: "step", text: `${step} succeeded${d.durationMs !== undefined ? ` in ${seconds(d.durationMs)}` : ""}${typeof d.branch === "string" ? ` → ${d.branch}` : ""}` };
    case "step.retry_scheduled":
      return { kind: "step", text: `${step} attempt ${d.attempt} failed: ${message(d.error)}; retry in ${seconds(d.delayMs)}` };
    case "step.failed":
      return { kind: "step", text: `${step} failed on attempt ${d.attempt}: ${message(d.error)}` };
    case "step.dead_lettered":
      return { kind: "step", text: `${step} moved to the dead letters` };
    case "step.waiting":
      return { kind: "step", text: `${step} waiting${typeof d.until === "string" ? ` until ${new Date(d.until).toLocaleString()}` : ""}` };
    case "step.interrupted":
      return { kind: "step", text: `${step} attempt ${d.attempt} interrupted: its worker shut down; attempt ${d.nextAttempt} queued` };
    case "step.skipped":
      return { kind: "step", text: `${step} skipped (${reason(d.reason)})` };
    case "step.cancelled":
      return { kind: "step", text: `${step} cancelled (${reason(d.reason)})` };
    case "step.reused":
      return { kind: "step", text: `${step} reused its output from run ${String(d.sourceRunId ?? "").slice(0, 8)}` };
    case "step.job_resent":
      return { kind: "step", text: `${step || "a step"}: job sent again (the queue had lost it)` };
    case "command.cancel":
      return { kind: "command", text: "Cancel" };
    case "command.resume":
      return { kind: "command", text: `Resume${Array.isArray(d.steps) ? `: ${d.steps.map(named).join(", ")} queued again` : ""}` };
    case "command.retry_step":
      return { kind: "command", text: `Retry step ${named(d.nodeId)}` };
    case "command.skip_step":
      return { kind: "command", text: `Skip step ${named(d.nodeId)}${typeof d.branch === "string" ? ` (branch ${d.branch})` : ""}` };
    case "command.replay":
      return { kind: "command", text: `Replay from ${named(d.fromNodeId)}${d.inputChanged ? " with a new input" : ""} as run ${String(d.newRunId ?? "").slice(0, 8)}` };
    case "command.requeue_dead_letter":
      return { kind: "command", text: `Requeue ${step} from the dead letters` };
    case "command.discard_dead_letter":
      return { kind: "command", text: `Discard the dead letter of ${step}` };
    case "callback.delivered":
      return { kind: "run", text: `Result delivered to ${d.host}${typeof d.attempt === "number" && d.attempt > 1 ? ` (attempt ${d.attempt})` : ""}` };
    case "callback.failed":
      return { kind: "run", text: `Result could not be delivered to ${d.host} after ${d.attempts} attempts: ${d.error}` };
    default:
      return { kind: e.type.startsWith("command.") ? "command" : e.type.startsWith("run.") ? "run" : "step", text: e.type };
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
