// The contract between the worker and a step executor.
import type { RunContext } from "#lib/workflow/templates.ts";
import type { LogLine } from "#lib/engine/attempts.ts";
import type { Redactor } from "#lib/security/redact.ts";

export interface StepRunContext {
  runId: string;
  workflowId: string;
  nodeId: string;
  stepRunId: string;
  attempt: number;
  maxAttempts: number;
  /** Stable across attempts (`runId:nodeId`): side-effecting steps pass it on for deduplication. */
  stepKey: string;
  /** Aborted on cancellation, timeout or shutdown: executors stop their I/O when it fires. */
  signal: AbortSignal;
  /** The data templates see. Configs arrive with templates already resolved. */
  context: RunContext;
  /** Where paths like /api/v1/... point: Baton's own web process. */
  baseUrl: string;
  log(level: LogLine["level"], message: string, data?: unknown): void;
  /** Register credentials the attempt uses here: they are masked in everything it keeps. */
  redactor: Redactor;
  /** Evaluates a JSONata expression against `context` in the expression pool (never inline). */
  evaluate(expression: string, path: string): Promise<unknown>;
}

export type StepResult = { output: unknown; branch?: string } | { wait: { /** One of the kinds the step type declares; "timer" when left out. */ kind?: string; until: Date; output?: unknown } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each executor narrows its own config
export type Executor<C = any> = (config: C, ctx: StepRunContext) => Promise<StepResult>;
