// What the browser shows of runs, kept current by streamed events. A view is the last response
// of the API plus every streamed event that response did not include (see lib/live/snapshot.ts).
// Step changes are applied only when they move the step forward (attempt, then phase), so events
// that arrive in an order other than the one they happened in cannot roll a step back.
// Browser-safe and pure: the UI and the unit tests use it.
import { parseSnapshot, snapshotIncludes } from "../live/snapshot.ts";
import { isKnownEvent, type KnownEvent, type StreamEvent } from "../live/event.ts";
import { RUN_STATUS_AFTER, type StepProgress } from "../engine/event-catalog.ts";
import type { RunStatus } from "../engine/states.ts";
import type { RunProgress } from "./progress.ts";

export type { KnownEvent, StreamEvent } from "../live/event.ts";

export interface StepError {
  message?: string;
  name?: string;
  code?: string;
  stack?: string;
  retryable?: boolean;
  details?: Record<string, unknown>;
}

export interface StepAttemptView {
  attempt: number;
  status: string;
  workerId: string | null;
  startedAt: string;
  finishedAt: string | null;
  error: StepError | null;
  retryDelayMs: number | null;
}

export type { StepProgress };

export interface StepView {
  id: string;
  nodeId: string;
  iteration: number;
  type: string;
  status: string;
  progress?: StepProgress | null;
  attempt: number;
  maxAttempts: number;
  input: unknown;
  output: unknown;
  branch: string | null;
  error: StepError | null;
  reason: string | null;
  workerId: string | null;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  nextAttemptAt: string | null;
  waitUntil: string | null;
  /** What the step waits (or waited) for: "timer", or a kind ended from outside ("approval"). */
  waitKind: string | null;
  reusedFrom: string | null;
  attempts: StepAttemptView[];
}

export interface StuckView {
  nodeId: string;
  kind: string;
  since: string;
  message: string;
}

export interface RunSummaryView {
  id: string;
  workflowId: string;
  workflowName: string;
  version: number;
  /** Why this version: stable (active), canary (a rollout chose it), pinned, replay. */
  versionReason?: "stable" | "canary" | "pinned" | "replay";
  /** The run's trace, when tracing was on as it started; `url` from BATON_TRACE_URL. */
  trace?: { id: string; url: string | null } | null;
  status: RunStatus;
  error: { message?: string; nodeId?: string } | null;
  idempotencyKey: string | null;
  correlationId: string | null;
  replayOf: string | null;
  /** The trigger that started it: a schedule, a webhook, an event. */
  trigger: { id: string; kind: string; name: string } | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Queued behind its workflow's limit of active runs since then. */
  heldSince: string | null;
  /** How far an active run is, when read (null once it ended); the run page works it out live. */
  progress: RunProgress | null;
  stuck: StuckView | null;
}

export interface RunView extends RunSummaryView {
  input: unknown;
  output: unknown;
  deadlineAt: string | null;
  stuckSteps: StuckView[];
  /** A sub-workflow's run: the run and step that started it. */
  parent: { runId: string; nodeId: string; workflowName: string } | null;
  /** The sub-workflow runs its steps started. */
  children: { id: string; status: string; workflowName: string; nodeId: string; createdAt: string }[];
  steps: StepView[];
  snapshot: string;
  /** Where the result is POSTed when the run ends, and how that went. */
  callback: { host: string | null; status: string; attempts: number; lastError: string | null; deliveredAt: string | null; nextAttemptAt: string | null } | null;
}

/** The run's status once `e` has happened, for the run events that change it (none for others, or unknown types). */
export const runStatusAfter = (e: StreamEvent): RunStatus | undefined => (isKnownEvent(e) ? RUN_STATUS_AFTER[e.type] : undefined);

/** Within one attempt a step only moves down this list; a new attempt starts over. */
const PHASE: Record<string, number> = { pending: 0, queued: 1, retry_scheduled: 1, running: 2, waiting: 3, succeeded: 4, failed: 4, cancelled: 4, skipped: 5 };
const progress = (status: string, attempt: number) => attempt * 10 + (PHASE[status] ?? 0);

/** The attempt an event is about: its own, or the step's when it names none. */
const attemptOf = (e: KnownEvent, step: StepView | undefined): number => ("attempt" in e.data ? e.data.attempt : undefined) ?? step?.attempt ?? 0;

/**
 * The change an event makes to its step, or null when it changes no step state. Every type of
 * the catalog is listed: a new one must be placed here (TypeScript says so).
 */
function stepChange(e: KnownEvent, step: StepView | undefined): Partial<StepView> | null {
  const attempt = attemptOf(e, step);
  switch (e.type) {
    case "step.queued":
      return { status: "queued", attempt, queuedAt: e.at, finishedAt: null, nextAttemptAt: null, reason: null };
    case "step.started":
      // A new attempt starts its progress over.
      return { status: "running", attempt, startedAt: e.at, finishedAt: null, nextAttemptAt: null, workerId: e.data.workerId ?? null, progress: null };
    case "step.reused":
      // The row copied the source step's state (succeeded, or skipped on a branch not taken).
      return { status: step?.status ?? "succeeded", reusedFrom: e.data.from ?? null, finishedAt: e.at };
    case "step.succeeded":
      return { status: "succeeded", attempt, finishedAt: e.at, ...(typeof e.data.startedAt === "string" ? { startedAt: e.data.startedAt } : {}), error: null, ...(typeof e.data.branch === "string" ? { branch: e.data.branch } : {}) };
    case "step.retry_scheduled":
      return { status: "retry_scheduled", attempt: e.data.nextAttempt ?? attempt + 1, nextAttemptAt: e.data.at ?? null, error: e.data.error ?? null };
    case "step.failed":
      return { status: "failed", attempt, finishedAt: e.at, error: e.data.error ?? null };
    case "step.waiting":
      return { status: "waiting", attempt, waitUntil: e.data.until ?? null, waitKind: e.data.kind };
    case "step.interrupted":
      return { status: "queued", attempt: e.data.nextAttempt ?? attempt + 1, queuedAt: e.at };
    case "step.held":
      return { status: "queued", attempt: e.data.nextAttempt ?? attempt + 1, queuedAt: e.at, reason: `waiting: ${e.data.reason}`, nextAttemptAt: e.data.until ?? null };
    case "step.skipped":
      return { status: "skipped", attempt, finishedAt: e.at, reason: e.data.reason ?? null };
    case "step.cancelled":
      return { status: "cancelled", attempt, finishedAt: e.at, reason: e.data.reason ?? null };
    // The step's state follows from other events (step.failed comes with a dead letter; a resent
    // job changes nothing the page shows); run events, commands and callbacks are not a step's.
    case "step.dead_lettered":
    case "step.job_resent":
    case "step.progress":
    case "run.created":
    case "run.started":
    case "run.held":
    case "run.admitted":
    case "run.waiting":
    case "run.resumed":
    case "run.reopened":
    case "run.succeeded":
    case "run.failed":
    case "run.cancelled":
    case "run.compensating":
    case "run.compensated":
    case "run.compensation_resumed":
    case "run.compensation_failed":
    case "command.cancel":
    case "command.compensate":
    case "command.resume":
    case "command.retry_step":
    case "command.skip_step":
    case "command.replay":
    case "command.requeue_dead_letter":
    case "command.discard_dead_letter":
    case "approval.requested":
    case "approval.decided":
    case "approval.resubmitted":
    case "approval.expired":
    case "approval.escalated":
    case "approval.reminded":
    case "approval.cancelled":
    case "callback.delivered":
    case "callback.failed":
      return null;
    default:
      return unhandled(e);
  }
}

/** A type of the catalog a switch above does not list: a compile error, and ignored at run time. */
function unhandled(e: never): null {
  void e;
  return null;
}

/** How an event ends or starts an attempt: the attempts list as the API would now show it. */
function attemptsAfter(e: KnownEvent, step: StepView): StepAttemptView[] {
  const n = ("attempt" in e.data ? e.data.attempt : undefined) ?? step.attempt;
  const existing = step.attempts.find((a) => a.attempt === n);
  const base: StepAttemptView = existing ?? { attempt: n, status: "running", workerId: null, startedAt: e.at, finishedAt: null, error: null, retryDelayMs: null };
  let next: StepAttemptView | null;
  switch (e.type) {
    case "step.started":
      next = { ...base, status: "running", startedAt: e.at, finishedAt: null, error: null, workerId: e.data.workerId ?? null };
      break;
    case "step.succeeded":
      next = { ...base, status: "succeeded", finishedAt: e.at, ...(typeof e.data.startedAt === "string" && !existing ? { startedAt: e.data.startedAt } : {}) };
      break;
    case "step.retry_scheduled":
      next = { ...base, status: "failed", finishedAt: e.at, error: e.data.error ?? null, retryDelayMs: e.data.delayMs ?? null };
      break;
    case "step.failed":
      next = { ...base, status: "failed", finishedAt: e.at, error: e.data.error ?? null };
      break;
    case "step.waiting":
      next = existing ? { ...existing, status: "waiting" } : null;
      break;
    case "step.interrupted":
      next = existing ? { ...existing, status: "interrupted", finishedAt: e.at } : null;
      break;
    case "step.held":
      next = existing ? { ...existing, status: "held", finishedAt: e.at } : null;
      break;
    case "step.skipped":
    case "step.cancelled":
      next = existing && (existing.status === "running" || existing.status === "waiting") ? { ...existing, status: "cancelled", finishedAt: e.at } : null;
      break;
    default:
      next = null;
  }
  if (!next) return step.attempts;
  return existing ? step.attempts.map((a) => (a === existing ? next : a)) : [...step.attempts, next].sort((a, b) => a.attempt - b.attempt);
}

function newStep(e: KnownEvent): StepView {
  return {
    id: e.stepRunId ?? `${e.runId}:${e.nodeId}`,
    nodeId: e.nodeId ?? "",
    iteration: 0,
    type: "",
    status: "pending",
    attempt: 0,
    maxAttempts: 0,
    input: null,
    output: null,
    branch: null,
    error: null,
    reason: null,
    workerId: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    waitUntil: null,
    waitKind: null,
    reusedFrom: null,
    attempts: [],
  };
}

/** The run as `run` (an API response) plus the streamed `events` it does not include yet. */
export function applyRunEvents(run: RunView, events: readonly StreamEvent[]): RunView {
  const snapshot = parseSnapshot(run.snapshot);
  let steps = run.steps;
  let status = run.status;
  let error = run.error;
  let heldSince = run.heldSince;
  for (const e of events) {
    // A type this version does not know (written by another version) changes nothing here.
    if (e.runId !== run.id || !isKnownEvent(e) || snapshotIncludes(snapshot, e.position)) continue;
    if (e.type === "run.held" || e.type === "run.admitted") {
      heldSince = e.type === "run.held" ? e.at : null;
      continue;
    }
    const runStatus = RUN_STATUS_AFTER[e.type];
    if (runStatus) {
      status = runStatus;
      // Held runs are queued: any other status (a cancel, its deadline) ends the wait.
      if (status !== "queued") heldSince = null;
      if (e.type === "run.failed" || e.type === "run.compensating") error = e.data.error ?? error;
      continue;
    }
    if (!e.nodeId) continue;
    const i = steps.findIndex((s) => (e.stepRunId ? s.id === e.stepRunId : s.nodeId === e.nodeId));
    if (e.type === "step.progress") {
      // Progress changes no state: the step's figure only, and never backwards.
      const now = e.data;
      if (i >= 0 && moreProgress(steps[i].progress, now)) steps = steps.map((s, k) => (k === i ? { ...s, progress: now } : s));
      continue;
    }
    const step = i >= 0 ? steps[i] : newStep(e);
    const change = stepChange(e, step);
    if (!change || progress(change.status!, change.attempt!) <= progress(step.status, step.attempt)) continue;
    const next = { ...step, ...change, attempts: attemptsAfter(e, step) };
    steps = i >= 0 ? steps.map((s, k) => (k === i ? next : s)) : [...steps, next];
  }
  return steps === run.steps && status === run.status && error === run.error && heldSince === run.heldSince ? run : { ...run, steps, status, error, heldSince };
}

/** Whether `next` is further than `current` (counted things first, else the percent; a new message at the same percent counts). */
function moreProgress(current: StepProgress | null | undefined, next: StepProgress): boolean {
  if (!current) return true;
  if (current.done !== undefined && next.done !== undefined) return next.done > current.done;
  return next.percent > current.percent || (next.percent === current.percent && next.message !== current.message);
}

/** Rows of a run list with the status changes streamed after the list was read. */
export function applyRunListEvents<R extends { id: string; status: string }>(rows: R[], snapshot: string | null, events: readonly StreamEvent[]): R[] {
  if (!snapshot || events.length === 0) return rows;
  const parsed = parseSnapshot(snapshot);
  const latest = new Map<string, RunStatus>();
  for (const e of events) {
    const status = runStatusAfter(e);
    if (status && !snapshotIncludes(parsed, e.position)) latest.set(e.runId, status);
  }
  if (latest.size === 0) return rows;
  return rows.map((r) => (latest.has(r.id) && latest.get(r.id) !== r.status ? { ...r, status: latest.get(r.id)! } : r));
}
