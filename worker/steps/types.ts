// The contract between the worker and a step executor.
import type { z } from "zod";
import type { Resolved, StepDefinition } from "#lib/steps/types.ts";
import type { RunContext } from "#lib/workflow/templates.ts";
import type { LogLine } from "#lib/engine/attempts.ts";
import type { RecordWait } from "#lib/engine/wait.ts";
import type { Redactor } from "#lib/security/redact.ts";
import type { OpenedSecret } from "#lib/secrets/credentials.ts";
import type { CredentialKind } from "#lib/secrets/schemas.ts";

import type { FlagEvaluation } from "#lib/flags/definition.ts";

export interface StepRunContext {
  runId: string;
  workflowId: string;
  nodeId: string;
  stepRunId: string;
  attempt: number;
  maxAttempts: number;
  /** The attempt's span as a W3C traceparent, when tracing is on: calls it makes pass it on. */
  traceparent?: string;
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
  /** Opens the named credentials (masked from here on in all the attempt keeps); fails the
   * attempt, not retried, when one does not exist. */
  openSecrets(names: string[]): Promise<Record<string, string>>;
  /** One credential of `kind`, opened (and masked) for a step that connects with it. */
  openCredential(name: string, kinds: CredentialKind | CredentialKind[]): Promise<OpenedSecret>;
  /** Reports how far the step is (a percent, and a message): shown on its node and run, streamed.
   * Settles once written (or at once when it will be written with a later report). */
  progress(percent: number, message?: string): Promise<void>;
  /** Evaluates a JSONata expression against `context` in the expression pool (never inline
   * unless bounded); flags it asks (`$flag`) are loaded, and their answers logged. */
  evaluate(expression: string, path: string): Promise<unknown>;
  /** Resolves a value's templates against `context` (the same way). */
  resolve(value: unknown, context: RunContext): Promise<unknown>;
  /** A flag's answer for a context (logged on the step); fails the attempt when it does not exist. */
  flag(key: string, context: Record<string, unknown>): Promise<FlagEvaluation>;
}

export type StepResult =
  | { output: unknown; branch?: string }
  /** `kind`: one the step type declares, "timer" when left out (a timer needs `until`; other
   * kinds end through resumeWait, lib/engine/wait.ts). */
  | { wait: { kind?: string; until?: Date; output?: unknown; record?: RecordWait; expire?: string } };

/**
 * What an executor of a step type with outputs `O` and waits `W` may return: a branch among its
 * outputs, and a wait only of a kind it declares (the kind may be left out only for "timer").
 */
export type StepOutcome<O extends readonly string[], W extends readonly string[]> =
  | { output: unknown; branch?: O[number] }
  | ([W[number]] extends [never]
      ? never
      : { wait: (("timer" extends W[number] ? { kind?: "timer"; until: Date } : never) | { kind: Exclude<W[number], "timer">; until?: Date; expire?: O[number] }) & { output?: unknown; record?: RecordWait } });

/** How a step type runs, as the engine calls it (run-step.ts `execute`): with the config its
 * definition's schema parsed, templates resolved. */
export type Executor = ((config: unknown, ctx: StepRunContext) => Promise<StepResult>) & { readonly type: string };

/**
 * The executor of `definition`'s step type, typed from it: `run` gets the config as its schema
 * parses it (z.infer, templates resolved) and may return only the branches and waits it declares.
 */
export function defineExecutor<S extends z.ZodType, const O extends readonly string[], const W extends readonly string[]>(
  definition: StepDefinition<S, O, W>,
  run: (config: Resolved<z.infer<S>>, ctx: StepRunContext) => Promise<StepOutcome<O, W>>,
): Executor {
  // The one unchecked step: the engine parses the resolved config with this definition's schema
  // before it calls (execute in run-step.ts), so the value has this type.
  return Object.assign((config: unknown, ctx: StepRunContext) => run(config as Resolved<z.infer<S>>, ctx), { type: definition.type });
}
