// One job: claim the attempt, resolve the step's templates, run its executor under a timeout
// and an abort signal, and report the result. Stale jobs (fenced out by the claim) are dropped.
import type { Logger } from "#lib/log.ts";
import { stepDefinition, templatedConfig } from "#lib/steps/index.ts";
import type { ExpressionPool } from "#lib/expressions/pool.ts";
import { secretOpeners } from "./secrets.ts";
import { Redactor } from "#lib/security/redact.ts";
import { referencedSecrets } from "#lib/workflow/templates.ts";
import { DEFAULT_STEP_TIMEOUT_MS } from "#lib/workflow/definition.ts";
import { describeError, NonRetryableError, RetryableError } from "#lib/engine/errors.ts";
import { holdStep, type Hold } from "#lib/engine/hold.ts";
import { acquireSlot, releaseSlot } from "#lib/engine/concurrency.ts";
import { dependencyScope } from "#lib/dependencies/schemas.ts";
import { progressReporter } from "#lib/engine/progress.ts";
import { cleanProgress } from "#lib/runs/progress.ts";
import type { Breakers } from "#lib/dependencies/breaker.ts";
import type { StepJob } from "#lib/engine/jobs.ts";
import { ApiError, zodFieldErrors } from "#lib/api/errors.ts";
import { claimStep, type ClaimedStep } from "#lib/engine/claim.ts";
import type { EngineDeps } from "#lib/engine/deps.ts";
import type { LogLine, Outcome, Report } from "#lib/engine/attempts.ts";
import { failStep, interruptStep } from "#lib/engine/fail.ts";
import type { Success } from "#lib/engine/succeed.ts";
import { resumeWait, waitStep } from "#lib/engine/wait.ts";
import { loadVersion, type CompiledVersion } from "#lib/engine/versions.ts";
import { stepMetrics } from "#lib/metrics/registry.ts";
import { childOf, contextOf, endSpan, inSpan, startSpan, traceIdOf, traceparentOf } from "#lib/tracing/tracing.ts";
import type { Span } from "@opentelemetry/api";
import { executors } from "./steps/index.ts";
import { flagAwareEvaluation } from "./flags.ts";
import type { RunContext } from "#lib/workflow/templates.ts";
import type { StepResult, StepRunContext } from "./steps/types.ts";
import type { AbortReason, InFlight } from "./inflight.ts";
import type { Batcher } from "./batcher.ts";


export interface Runtime {
  deps: EngineDeps;
  workerId: string;
  inflight: InFlight;
  baseUrl: string;
  log: Logger;
  /** Batched reads of pure steps, and every success (see batcher.ts): steps finishing
   * together cost one transaction. */
  pureReads: Batcher<StepJob, ClaimedStep | null>;
  successes: Batcher<Success, Outcome>;
  /** Where templates and conditions are evaluated (inline when bounded, else in evaluator processes). */
  expressions: ExpressionPool;
  /** Circuit breakers of the dependencies steps call (lib/dependencies/breaker.ts). */
  breakers?: Breakers;
}

/** Thrown before the executor runs when the step's dependency may not be called now. */
class HeldBack extends Error {
  readonly hold: Hold;
  constructor(hold: Hold) {
    super(hold.reason);
    this.hold = hold;
  }
}

export async function handleJob(rt: Runtime, job: StepJob): Promise<void> {
  const actor = `worker:${rt.workerId}`;
  if (job.resume && job.expire) {
    // A wait ended from outside ran out of time first: it ends on its timeout branch.
    const outcome = await resumeWait(rt.deps, job, { output: { timedOut: true }, branch: job.expire }, actor);
    if (outcome === "stale") rt.log.debug({ job }, "the wait had ended before its time ran out");
    return;
  }
  if (job.resume) {
    // A timer wait is over: the step succeeds with the output it waited with.
    const outcome = await rt.successes.add({ runId: job.runId, stepRunId: job.stepRunId, attempt: job.attempt, from: "waiting", report: { logs: [] }, actor });
    if (outcome === "stale") rt.log.debug({ job }, "stale resume job dropped");
    return;
  }
  // A pure step runs straight from the queue; its start is recorded with its result.
  const startedAt = new Date();
  const claimed = job.pure ? await rt.pureReads.add(job) : await claimStep(rt.deps.pool, job, rt.workerId);
  if (!claimed) {
    rt.log.debug({ job }, "stale step job dropped");
    return;
  }
  const version = await loadVersion(rt.deps.pool, claimed.versionId);
  const type = version.node(claimed.nodeId).type;
  const metrics = stepMetrics();
  metrics.inflight.inc();
  // The attempt's span, a child of its run's (in whichever process created the run).
  const span = startSpan(`step ${claimed.nodeId}`, contextOf(claimed.traceParent), {
    "baton.run_id": claimed.runId,
    "baton.workflow_id": claimed.workflowId,
    "baton.workflow.version": version.number,
    "baton.node_id": claimed.nodeId,
    "baton.step.type": type,
    "baton.step.attempt": claimed.attempt,
    "baton.step_run_id": claimed.stepRunId,
  });
  let outcome: AttemptOutcome | undefined;
  try {
    outcome = await attempt(rt, job, claimed, version, startedAt, actor, span);
    metrics.attempts.inc({ type, outcome });
    metrics.duration.observe({ type, outcome }, (Date.now() - startedAt.getTime()) / 1000);
  } finally {
    metrics.inflight.dec();
    const failed = outcome === undefined || outcome === "failed" || outcome === "timed_out";
    endSpan(span, failed ? new Error(outcome ? `the attempt ${outcome.replace("_", " ")}` : "the attempt's outcome could not be recorded") : undefined, { "baton.step.status": outcome ?? "error" });
  }
}

/** How an attempt ended, as the step metrics count it. */
type AttemptOutcome = "succeeded" | "failed" | "timed_out" | "waiting" | "held" | "interrupted" | "cancelled" | "dropped";

/** One claimed attempt: its templates, executor and result. */
async function attempt(rt: Runtime, job: StepJob, claimed: ClaimedStep, version: CompiledVersion, startedAt: Date, actor: string, span: Span): Promise<AttemptOutcome> {
  // Every line about the attempt can be found by its run, workflow, step or trace.
  const traceId = traceIdOf(traceparentOf(span));
  const log = rt.log.child({ runId: claimed.runId, workflowId: claimed.workflowId, nodeId: claimed.nodeId, attempt: claimed.attempt, ...(traceId ? { traceId } : {}) });
  const node = version.node(claimed.nodeId);
  // Only claimed (running) steps have a lease to renew; a pure step is done in milliseconds.
  const controller = job.pure ? new AbortController() : rt.inflight.add(claimed.stepRunId, claimed.attempt);
  const logs: LogLine[] = [];
  const report: Report = { logs };
  // Credentials the attempt registers are masked in all it reports (input, output, error, logs).
  const redactor = new Redactor();
  const progress = progressReporter(rt.deps.pool, claimed, actor, (error) => log.warn({ err: error }, "could not record the step's progress"));
  const ctx: StepRunContext = {
    progress: (percent, message) => progress.report(cleanProgress(percent, redactor.scrub(message))),
    runId: claimed.runId,
    workflowId: claimed.workflowId,
    nodeId: claimed.nodeId,
    stepRunId: claimed.stepRunId,
    attempt: claimed.attempt,
    maxAttempts: claimed.maxAttempts,
    stepKey: claimed.key,
    traceparent: traceparentOf(span),
    signal: controller.signal,
    context: claimed.context,
    baseUrl: rt.baseUrl,
    log: (level, message, data) => logs.push({ level, message, data, at: new Date() }),
    ...flagged(rt, controller.signal, logs, claimed.context, true),
    redactor,
    ...secretOpeners(rt.deps.pool, redactor),
  };
  const timeoutMs = node.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const timer = setTimeout(() => controller.abort("timeout" satisfies AbortReason), timeoutMs);
  let result: StepResult | undefined;
  let failure: unknown;
  // The dependency it calls, once its config is resolved; its breaker decides whether it may.
  let gate: { key: string; probe: boolean } | undefined;
  // Concurrency slots taken (the step's own, its dependency's), given back once it is done.
  const slots: { scope: string; limit: number }[] = [];
  const takeSlot = async (scope: string, limit: number, what: string, dependency?: string) => {
    const answer = await acquireSlot(rt.deps, scope, limit, claimed.stepRunId);
    if (!answer.ok) throw new HeldBack({ dependency, until: answer.until, reason: `${what}: ${answer.ahead} ahead of it` });
    slots.push({ scope, limit });
  };
  const admit = async (config: unknown) => {
    if (job.pure) return;
    if (node.concurrency) {
      const value = node.concurrency.key ? String((await rt.expressions.resolve(node.concurrency.key, claimed.context, controller.signal)) ?? "") : "";
      await takeSlot(`${claimed.workflowId}:${claimed.nodeId}${value ? `:${value}` : ""}`, node.concurrency.limit, `concurrency limit ${node.concurrency.limit}${value ? ` for ${value}` : ""}`);
    }
    const key = node.dependency ?? stepDefinition(node.type)?.dependencyOf?.(config as never);
    if (!key || !rt.breakers) return;
    // Its slot before its breaker and rate: a step held for a slot takes no probe and no token.
    const most = await rt.breakers.concurrencyOf(key);
    if (most) await takeSlot(dependencyScope(key), most, `at most ${most} calls at once to ${key}`, key);
    const admission = await rt.breakers.admit(key, claimed.stepRunId);
    if (!admission.ok) throw new HeldBack({ dependency: key, until: admission.until, reason: admission.reason, reserved: admission.reserved });
    gate = { key, probe: admission.probe };
  };
  try {
    result = await execute(node.type, node.config, ctx, report, admit);
  } catch (error) {
    failure = error;
  } finally {
    clearTimeout(timer);
    await progress.flush();
  }
  // A concurrency slot goes back once the step's outcome is recorded, and the next in line go.
  const release = () =>
    Promise.all(slots.map((slot) => releaseSlot(rt.deps, slot.scope, slot.limit, claimed.stepRunId).catch((error) => log.warn({ err: error, scope: slot.scope }, "could not release the concurrency slot"))));
  if (failure instanceof HeldBack) {
    const { hold } = failure;
    log.info({ dependency: hold.dependency, until: hold.until }, "held back by its dependency");
    await persistently(log, () => holdStep(rt.deps, claimed, hold, actor));
    rt.inflight.delete(claimed.stepRunId);
    await release();
    return "held";
  }
  // What the dependency did: it answered (a 4xx is an answer), or it failed in a way that counts.
  if (gate && rt.breakers && !controller.signal.aborted) {
    const counts = failure !== undefined && describeError(failure).retryable;
    const recorded = counts ? rt.breakers.failed(gate.key, gate.probe, describeError(failure).message) : rt.breakers.succeeded(gate.key, gate.probe);
    await recorded.catch((error) => log.warn({ err: error, dependency: gate!.key }, "could not record the call on its breaker"));
  }
  report.input = redactor.scrubInput(report.input);
  report.logs = logs.map((line) => ({ ...line, message: redactor.scrub(line.message), data: redactor.scrub(line.data) }));
  if (result) result = "wait" in result ? { wait: { ...result.wait, output: redactor.scrub(result.wait.output) } } : { ...result, output: redactor.scrub(result.output) };
  if (failure !== undefined) failure = redactor.error(failure);
  try {
    if (result && "wait" in result && !version.waitsOf(claimed.nodeId).includes(result.wait.kind ?? "timer")) {
      failure = new NonRetryableError(`a ${node.type} step cannot wait for "${result.wait.kind ?? "timer"}"; its type declares ${version.waitsOf(claimed.nodeId).join(", ") || "no waits"}`);
      result = undefined;
    }
    if (result && "wait" in result && (result.wait.kind ?? "timer") === "timer" && !result.wait.until) {
      failure = new NonRetryableError("a timer wait needs a time to end");
      result = undefined;
    }
    if (result && !("wait" in result)) {
      const success: Success = { ...claimed, from: job.pure ? "queued" : "running", output: result.output, branch: result.branch, report, actor, ...(job.pure ? { started: { workerId: rt.workerId, at: startedAt } } : {}) };
      try {
        // The hand-off: the result, the next steps and their jobs, in one transaction (batched).
        const outcome = await inSpan("hand-off", childOf(span), { "baton.run_id": claimed.runId }, () => persistently(log, () => rt.successes.add(success)));
        if (outcome === "stale") log.info("result dropped: the step moved on while it ran (cancelled, skipped or taken over)");
        return outcome === "stale" ? "dropped" : "succeeded";
      } catch (error) {
        // The database refused this result (e.g. a value JSON in Postgres cannot hold): the step
        // fails saying so, rather than being left running until its lease lapses.
        if (!isStepFault(error)) throw error;
        log.error({ err: error }, "the step's result could not be recorded");
        failure = new NonRetryableError(`the step's result could not be recorded: ${(error as Error).message}`, { code: "result_rejected" });
        result = undefined;
      }
    }
    // A pure step that did not succeed is claimed now, so that the failure is recorded on a running attempt.
    if (job.pure && !(await claimStep(rt.deps.pool, job, rt.workerId))) return "dropped";
    if (result) {
      const { wait } = result;
      try {
        const outcome = await persistently(log, () => waitStep(rt.deps, claimed, { kind: wait.kind ?? "timer", until: wait.until, output: wait.output, expire: wait.expire }, report, actor, wait.record));
        if (outcome === "stale") log.info("result dropped: the step moved on while it ran (cancelled, skipped or taken over)");
        return outcome === "stale" ? "dropped" : "waiting";
      } catch (error) {
        // What the wait records refused it (a sub-workflow's input does not match its schema):
        // the step fails saying why, as a request would be answered 4xx.
        if (!(error instanceof ApiError) || error.status >= 500) throw error;
        const fields = ((error.extra.errors ?? []) as { path: string; message: string }[]).map((e) => `${e.path}: ${e.message}`);
        failure = new NonRetryableError(fields.length ? `${error.message} ${fields.join("; ")}` : error.message, { code: error.code });
      }
    }
    if (result && !failure) return "waiting";
    const reason = controller.signal.aborted ? (controller.signal.reason as AbortReason) : undefined;
    if (reason === "cancelled") {
      log.info("attempt aborted: the step was cancelled");
      return "cancelled";
    } else if (reason === "shutdown") {
      await persistently(log, () => interruptStep(rt.deps, claimed, actor));
      return "interrupted";
    } else if (reason === "timeout") {
      const error = new RetryableError(`the step did not finish within ${timeoutMs} ms`, { code: "timeout" });
      await persistently(log, () => failStep(rt.deps, claimed, error, report, actor, "timed_out"));
      return "timed_out";
    } else {
      span.setAttribute("baton.step.error", describeError(failure).message);
      log.info({ err: failure }, "attempt failed");
      await persistently(log, () => failStep(rt.deps, claimed, failure, report, actor));
      return "failed";
    }
  } finally {
    if (!job.pure) rt.inflight.delete(claimed.stepRunId);
    await release();
  }
}

/** Resolves the step's templates, checks the resolved config, and runs its executor until the
 * signal fires (shared by runs and by step tests, step-tests.ts). */
export async function execute(type: string, rawConfig: unknown, ctx: StepRunContext, report: Report, admit?: (config: unknown) => Promise<void>): Promise<StepResult> {
  const definition = stepDefinition(type);
  const executor = executors[type];
  if (!definition || !executor) throw new NonRetryableError(`no executor for step type "${type}"`);
  // Raw fields (a script) are not templates: they join the config after resolving.
  const all = (rawConfig ?? {}) as Record<string, unknown>;
  const templated = templatedConfig(definition, all);
  // Credentials only when named, opened now (never stored resolved: the input kept is masked).
  const names = referencedSecrets(templated);
  const context = names.length ? { ...ctx.context, secrets: await ctx.openSecrets(names) } : ctx.context;
  // All of the step's templates at once (one message, when they go to an evaluator).
  const resolved = { ...all, ...((await ctx.resolve(templated, context)) as object) };
  report.input = definition.keptInput ? definition.keptInput(resolved) : resolved;
  const config = definition.config.safeParse(resolved);
  if (!config.success) {
    const problems = zodFieldErrors(config.error).map((e) => `${e.path} ${e.message}`).join("; ");
    throw new NonRetryableError(`the config is invalid once its templates are resolved: ${problems}`, { code: "config" });
  }
  await admit?.(config.data);
  return untilAborted(executor(config.data, ctx), ctx.signal);
}

/** How a step evaluates: its expressions and templates, with the flags they ask (worker/flags.ts);
 * `count`: a run's answers count on the flag's page (a step test's do not). */
export function flagged(rt: Runtime, signal: AbortSignal, logs: LogLine[], context: RunContext, count: boolean): Pick<StepRunContext, "evaluate" | "resolve" | "flag"> {
  const evaluation = flagAwareEvaluation(rt.deps.pool, rt.expressions, signal, (level, message, data) => logs.push({ level, message, data, at: new Date() }), count);
  return { evaluate: (expression, path) => evaluation.evaluate(expression, context, path), resolve: evaluation.resolve, flag: evaluation.flag };
}

/** The database refused a step's data (SQLSTATE class 22, data exception, e.g. a NUL character
 * in JSON; or 54, a program limit such as a value too large): that step's fault, not the
 * database's. Anything else (an outage, a restart) is retried as before. */
export const isStepFault = (error: unknown) => /^(22|54)/.test((error as { code?: unknown })?.code?.toString() ?? "");

const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08003", "08006"]);
const isConnectionError = (error: unknown) =>
  CONNECTION_ERRORS.has((error as { code?: string })?.code ?? "") || /Connection terminated|connection timeout/i.test((error as Error)?.message ?? "");

/**
 * Reports a finished attempt, waiting out a database outage of up to a minute rather than
 * losing the result (the lease may lapse meanwhile; fencing then drops whichever report is late).
 */
async function persistently<T>(log: Logger, report: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await report();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() > deadline) throw error;
      log.warn(`database unreachable while reporting (${(error as Error).message}); retrying in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Settles as soon as the signal fires, even if the executor ignores it. */
function untilAborted(work: Promise<StepResult>, signal: AbortSignal): Promise<StepResult> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error(`aborted: ${signal.reason}`));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
