// Run and step state machines as transition tables: the one place that says which state may
// follow which. SQL updates take their allowed source states from here (`from(...)`), and
// `assert...` throws on anything else.

export const runStatuses = ["queued", "running", "waiting", "succeeded", "failed", "cancelled", "compensating", "compensated", "compensation_failed"] as const;
export type RunStatus = (typeof runStatuses)[number];

export const stepStatuses = ["pending", "queued", "running", "retry_scheduled", "waiting", "succeeded", "failed", "skipped", "cancelled"] as const;
export type StepStatus = (typeof stepStatuses)[number];

const runTransitions: Record<RunStatus, readonly RunStatus[]> = {
  // → compensating: the run failed with completed steps to undo (it is never `failed` on the way,
  // so that whatever waits for the end of a run sees one end).
  queued: ["running", "waiting", "succeeded", "failed", "cancelled", "compensating"],
  running: ["waiting", "succeeded", "failed", "cancelled", "compensating"],
  waiting: ["running", "succeeded", "failed", "cancelled", "compensating"],
  // An operator retries, skips, requeues or resumes: the run goes on (or, skipping its last
  // failed step, is done).
  failed: ["running", "succeeded", "compensating"],
  cancelled: ["running"],
  succeeded: [],
  compensating: ["compensated", "compensation_failed"],
  compensated: [],
  // An operator retries the failed compensation, or skips it (the last one: nothing is left to undo).
  compensation_failed: ["compensating", "compensated"],
};

const stepTransitions: Record<StepStatus, readonly StepStatus[]> = {
  pending: ["queued", "skipped", "cancelled"],
  queued: ["running", "skipped", "cancelled"],
  // running → queued: the attempt was interrupted (shutdown) or its worker was lost.
  running: ["succeeded", "failed", "retry_scheduled", "waiting", "queued", "skipped", "cancelled"],
  // retry_scheduled → running: the delayed job fired; → queued: an operator asked for it now.
  retry_scheduled: ["running", "queued", "failed", "skipped", "cancelled"],
  // waiting → retry_scheduled: what it waited for failed, and may be tried again (a child run).
  waiting: ["succeeded", "failed", "retry_scheduled", "skipped", "cancelled"],
  succeeded: [],
  failed: ["queued", "skipped"],
  skipped: [],
  cancelled: ["queued", "skipped"],
};

// The status sets, defined here once. Browser-safe: the UI imports them too.

/** A run the engine is moving: steps may be queued, running or waiting. */
export const activeRunStatuses = ["queued", "running", "waiting"] as const satisfies readonly RunStatus[];
/** Compensation is running: neither active (no new forward steps) nor finished. */
export const compensatingRunStatuses = ["compensating"] as const satisfies readonly RunStatus[];
/** Nothing more will happen unless an operator acts (a failed run can be resumed or compensated). */
export const finishedRunStatuses = ["succeeded", "failed", "cancelled", "compensated", "compensation_failed"] as const satisfies readonly RunStatus[];
/** A step not yet decided. */
export const openStepStatuses = ["pending", "queued", "running", "retry_scheduled", "waiting"] as const satisfies readonly StepStatus[];
/** A step whose outcome is known. */
export const doneStepStatuses = ["succeeded", "failed", "skipped", "cancelled"] as const satisfies readonly StepStatus[];

const includes = (list: readonly string[], s: string) => list.includes(s);
export const isOpenStep = (s: string) => includes(openStepStatuses, s);
export const isActiveRun = (s: string) => includes(activeRunStatuses, s);
export const isFinishedRun = (s: string) => includes(finishedRunStatuses, s);
/** Steps of the run may still start and finish: forward (active) or undoing (compensating). */
export const stepsMayRun = (s: string) => isActiveRun(s) || includes(compensatingRunStatuses, s);

export class IllegalTransition extends Error {
  readonly from: string;
  readonly to: string;
  constructor(kind: "run" | "step", from: string, to: string) {
    super(`illegal ${kind} transition ${from} → ${to}`);
    this.from = from;
    this.to = to;
  }
}

export const canRun = (from: RunStatus, to: RunStatus) => runTransitions[from].includes(to);
export const canStep = (from: StepStatus, to: StepStatus) => stepTransitions[from].includes(to);

export function assertRun(from: RunStatus, to: RunStatus): void {
  if (!canRun(from, to)) throw new IllegalTransition("run", from, to);
}

export function assertStep(from: StepStatus, to: StepStatus): void {
  if (!canStep(from, to)) throw new IllegalTransition("step", from, to);
}

/** The step states that may move to `to`, for `WHERE status = ANY($n)`. */
export const stepFrom = (to: StepStatus, among: readonly StepStatus[] = stepStatuses): StepStatus[] =>
  among.filter((s) => canStep(s, to));

/** The run states that may move to `to`. */
export const runFrom = (to: RunStatus, among: readonly RunStatus[] = runStatuses): RunStatus[] =>
  among.filter((s) => canRun(s, to));

// Which operator command fits which state. The engine's commands check these (409 otherwise) and
// the run page offers exactly the commands they allow.

export const canCancelRun = (run: RunStatus) => isActiveRun(run);
/** The engine also needs a failed step, or one the stop cancelled, to requeue. */
export const canResumeRun = (run: RunStatus) => run === "failed" || run === "cancelled";
export const canRetryStep = (step: StepStatus, run: RunStatus) => (step === "retry_scheduled" ? isActiveRun(run) : step === "failed" || step === "cancelled");
export const canSkipInRun = (run: RunStatus) => isActiveRun(run) || run === "failed" || run === "compensating" || run === "compensation_failed";
/** "Fail and compensate": a run going on, or one that failed, is made to undo what it did. */
export const canCompensateRun = (run: RunStatus) => isActiveRun(run) || run === "failed";
export const canSkipStep = (step: StepStatus, run: RunStatus) => canSkipInRun(run) && canStep(step, "skipped");
