// Every kind of run event, with its payload: the one list the engine writes from, the live
// reducer (lib/runs/live-state.ts) and the audit log's sentences (lib/runs/describe-event.ts)
// read from, and the API documents. Browser-safe: types and constants only.
//
// Events are facts in the past tense, written in the transaction of the change they describe.
// Adding a kind: add it here, then TypeScript points at every switch that must handle it.
import type { RunStatus } from "./states.ts";

/** What the audit log shows of an error: never a stack, never a secret (redacted before). */
export interface ErrorSummary {
  message: string;
  code?: string;
  retryable?: boolean;
}

/** Sagas: compensations one after another, latest completed step first (reverse), or all at once. */
export type CompensationOrder = "reverse" | "parallel";

/** How an attempt ended badly: its executor failed, its worker was lost, or it ran out of time. */
export type FailureKind = "failed" | "crashed" | "timed_out";

/** Why a step was skipped or cancelled without running. */
export type StopReason = "branch" | "run_failed" | "run_cancelled" | "run_timed_out" | (string & {});

/** A step's progress as it reports it (percent always; the rest when it counts things). */
export type StepProgress = {
  percent: number;
  message?: string;
  done?: number;
  total?: number;
  failed?: number;
  /** What `done` and `total` count: items (a for-each; the default) or steps (a child run). */
  unit?: "items" | "steps";
};

export interface EventPayloads {
  "run.created": { version: number; idempotencyKey?: string; correlationId?: string; callbackHost?: string; replayOf?: string; fromNodeId?: string; trigger?: { id: string; kind: string; name: string; scheduledAt?: string; webhookId?: string } };
  "run.started": Record<string, never>;
  /** Its workflow had `limit` runs active: the run waits its turn, `ahead` runs before it. */
  "run.held": { limit: number; active: number; ahead: number };
  /** A slot freed: the held run goes on after `waitedMs`. */
  "run.admitted": { waitedMs: number };
  "run.waiting": Record<string, never>;
  /** A waiting run goes on. */
  "run.resumed": Record<string, never>;
  /** A failed or cancelled run goes on (an operator retried, skipped, requeued or resumed). */
  "run.reopened": Record<string, never>;
  "run.succeeded": Record<string, never>;
  "run.failed": { error: { message: string; code?: string; nodeId?: string } };
  "run.cancelled": Record<string, never>;
  /** The run failed and has steps to undo: their compensations run (`plan`, in order when
   * `order` is reverse). `error` is why the run failed. */
  "run.compensating": { error: { message: string; code?: string; nodeId?: string }; order: CompensationOrder; plan: { nodeId: string; compensator: string }[] };
  /** An operator retried or requeued the failed compensation: undoing goes on. */
  "run.compensation_resumed": Record<string, never>;
  "run.compensated": Record<string, never>;
  /** A compensation failed (out of attempts): an operator retries or skips it. */
  "run.compensation_failed": { nodeId: string; message: string };

  "step.queued": { attempt: number; reason?: string };
  "step.started": { attempt: number; workerId: string };
  /** A pure step's start is in this event (startedAt, workerId): it has no step.started. */
  "step.succeeded": { attempt: number; durationMs?: number; branch?: string; startedAt?: string; workerId?: string; resumed?: boolean; resumedBy?: string };
  "step.retry_scheduled": { attempt: number; outcome: FailureKind; nextAttempt: number; delayMs: number; at: string; error: ErrorSummary };
  "step.failed": { attempt: number; outcome: FailureKind; reason: string; error: ErrorSummary };
  "step.dead_lettered": { reason: string };
  "step.waiting": { attempt: number; until?: string; kind: string };
  "step.interrupted": { attempt: number; nextAttempt: number };
  /** Held back for capacity (its dependency's breaker or rate limit, its concurrency limit): the attempt does not count. */
  "step.held": { attempt: number; nextAttempt: number; dependency?: string; reason: string; until: string };
  "step.skipped": { reason: StopReason; attempt?: number };
  "step.cancelled": { reason: StopReason; attempt: number };
  "step.reused": { from: string; sourceRunId: string };
  /** A for-each step's items: how many are done (at each whole percent). */
  /** How far a step is: a for-each's items (`done` of `total`, `failed`), a sub-workflow's
   * child run (`unit` steps), or what a Code step reports (a percent and a message). */
  "step.progress": StepProgress;
  "step.job_resent": { attempt: number; status: string };

  "command.cancel": Record<string, never>;
  /** An operator failed the run to undo what it did. */
  "command.compensate": Record<string, never>;
  "command.resume": { steps: string[] };
  "command.retry_step": { nodeId: string };
  "command.skip_step": { nodeId: string; branch?: string };
  "command.replay": { newRunId: string; fromNodeId: string; inputChanged: boolean };
  "command.requeue_dead_letter": { deadLetterId: string };
  "command.discard_dead_letter": { deadLetterId: string };

  "approval.requested": { requestId: string; title: string };
  "approval.decided": { requestId: string; decision: string; from: string; to: string; comment?: string; approvals: number; quorum: number };
  "approval.resubmitted": { requestId: string; dataVersion: number; comment: string };
  /** The deadline passed: the request expired (to "expired"), or was approved by its policy. */
  "approval.expired": { requestId: string; to: string; branch: string };
  "approval.escalated": { requestId: string; roles: string[]; users: string[]; deadline?: string };
  "approval.reminded": { requestId: string; reminders: number; waitingOn: string[] };
  /** The run stopped waiting (cancelled, failed, the step skipped): the request closes with it. */
  "approval.cancelled": { requestId: string; reason: string };

  "callback.delivered": { attempt: number; host: string };
  "callback.failed": { attempts: number; error: string; host: string };
}

export type EventType = keyof EventPayloads;
export type EventKind = "run" | "step" | "command" | "approval" | "callback";

export const eventTypes = Object.keys({
  "run.created": 1,
  "run.started": 1,
  "run.held": 1,
  "run.admitted": 1,
  "run.waiting": 1,
  "run.resumed": 1,
  "run.reopened": 1,
  "run.succeeded": 1,
  "run.failed": 1,
  "run.cancelled": 1,
  "run.compensating": 1,
  "run.compensation_resumed": 1,
  "run.compensated": 1,
  "run.compensation_failed": 1,
  "step.queued": 1,
  "step.started": 1,
  "step.succeeded": 1,
  "step.retry_scheduled": 1,
  "step.failed": 1,
  "step.dead_lettered": 1,
  "step.waiting": 1,
  "step.interrupted": 1,
  "step.held": 1,
  "step.skipped": 1,
  "step.cancelled": 1,
  "step.reused": 1,
  "step.progress": 1,
  "step.job_resent": 1,
  "command.cancel": 1,
  "command.compensate": 1,
  "command.resume": 1,
  "command.retry_step": 1,
  "command.skip_step": 1,
  "command.replay": 1,
  "command.requeue_dead_letter": 1,
  "command.discard_dead_letter": 1,
  "approval.requested": 1,
  "approval.decided": 1,
  "approval.resubmitted": 1,
  "approval.expired": 1,
  "approval.escalated": 1,
  "approval.reminded": 1,
  "approval.cancelled": 1,
  "callback.delivered": 1,
  "callback.failed": 1,
} satisfies Record<EventType, 1>) as EventType[];

export const eventKind = (type: EventType): EventKind => type.slice(0, type.indexOf(".")) as EventKind;

/** The run's status once an event of this type has happened, for the run events that change it. */
export const RUN_STATUS_AFTER: Partial<Record<EventType, RunStatus>> = {
  "run.created": "queued",
  "run.started": "running",
  "run.resumed": "running",
  "run.reopened": "running",
  "run.waiting": "waiting",
  "run.succeeded": "succeeded",
  "run.failed": "failed",
  "run.cancelled": "cancelled",
  "run.compensating": "compensating",
  "run.compensation_resumed": "compensating",
  "run.compensated": "compensated",
  "run.compensation_failed": "compensation_failed",
};

/** One event as the engine writes it (`data` may be left out when the payload has no required field). */
export type NewEvent = {
  [T in EventType]: { runId: string; type: T; actor: string; stepRunId?: string | null; nodeId?: string | null } & (Record<string, never> extends EventPayloads[T] ? { data?: EventPayloads[T] } : { data: EventPayloads[T] });
}[EventType];

/** `data` typed by `type`, for readers that switch on it. */
export type TypedEvent<E extends { type: string; data: unknown }> = {
  [T in EventType]: Omit<E, "type" | "data"> & { type: T; data: EventPayloads[T] };
}[EventType];
