// Steps tested alone from the editor (lib/workflows/step-tests.ts): the same executor, template
// sandbox, egress policy and masking as a run's attempt, against the test's sample data. The
// result goes to the test's row; no run, no events, no retries.
import type { Job } from "pg-boss";
import { stepTestJob } from "#lib/engine/jobs.ts";
import { describeError } from "#lib/engine/errors.ts";
import type { LogLine, Report } from "#lib/engine/attempts.ts";
import { secretOpeners } from "./secrets.ts";
import { Redactor } from "#lib/security/redact.ts";
import { DEFAULT_STEP_TIMEOUT_MS, type WorkflowNode } from "#lib/workflow/definition.ts";
import type { RunContext } from "#lib/workflow/templates.ts";
import { STEP_TEST_TIMEOUT_MS } from "#lib/workflows/step-tests.ts";
import { execute, flagged, type Runtime } from "./run-step.ts";
import type { StepResult, StepRunContext } from "./steps/types.ts";

/** Tests running here, aborted when the worker stops. */
const running = new Set<AbortController>();

export function abortStepTests(): void {
  for (const controller of running) controller.abort("shutdown");
}

export async function handleStepTest(rt: Runtime, job: Job<unknown>): Promise<void> {
  const parsed = stepTestJob.safeParse(job.data);
  if (!parsed.success) return rt.log.error({ jobId: job.id, data: job.data }, "malformed step test job dropped");
  const { testId } = parsed.data;
  const { rows } = await rt.deps.pool.query(
    `update step_tests set status = 'running', worker_id = $2 where id = $1 and status = 'queued' returning workflow_id, node, sample`,
    [testId, rt.workerId],
  );
  if (!rows[0]) return; // deleted, or already taken
  const node = rows[0].node as WorkflowNode;
  const sample = rows[0].sample as Pick<RunContext, "input" | "steps">;
  const context: RunContext = { ...sample, run: { id: "test", workflowId: rows[0].workflow_id, attempt: 1 } };

  const controller = new AbortController();
  running.add(controller);
  const logs: LogLine[] = [];
  const report: Report = { logs };
  const redactor = new Redactor();
  const ctx: StepRunContext = {
    // A test shows its progress reports in its log, since no run shows them.
    progress: async (percent, message) => void logs.push({ level: "info", message: `progress ${Math.round(percent)} %${message ? `: ${message}` : ""}`, at: new Date() }),
    runId: "test",
    workflowId: rows[0].workflow_id,
    nodeId: node.id,
    stepRunId: testId,
    attempt: 1,
    maxAttempts: 1,
    stepKey: `test:${testId}`,
    signal: controller.signal,
    context,
    baseUrl: rt.baseUrl,
    log: (level, message, data) => logs.push({ level, message, data, at: new Date() }),
    ...flagged(rt, controller.signal, logs, context, false),
    redactor,
    ...secretOpeners(rt.deps.pool, redactor),
  };
  const timeoutMs = Math.min(node.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, STEP_TEST_TIMEOUT_MS);
  const timer = setTimeout(() => controller.abort("timeout"), timeoutMs);
  const started = performance.now();
  let result: StepResult | undefined;
  let failure: unknown;
  try {
    result = await execute(node.type, node.config, ctx, report);
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : undefined;
    failure =
      reason === "timeout"
        ? new Error(`The step did not finish within ${timeoutMs} ms (a test stops after at most ${STEP_TEST_TIMEOUT_MS / 1000} s).`)
        : reason === "shutdown"
          ? new Error("The worker stopped during the test. Test again.")
          : error;
  } finally {
    clearTimeout(timer);
    running.delete(controller);
  }
  const durationMs = Math.round(performance.now() - started);
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const wait = result && "wait" in result ? result.wait : undefined;
  const done = result && !("wait" in result) ? result : undefined;
  const error = failure === undefined ? null : redactor.error(failure);
  await rt.deps.pool.query(
    `update step_tests set status = $2, resolved = $3, output = $4, branch = $5, wait_until = $6, error = $7, logs = $8, duration_ms = $9,
            finished_at = now(), node = $10
      where id = $1`,
    [
      testId,
      failure === undefined ? "succeeded" : "failed",
      json(redactor.scrubInput(report.input)),
      json(redactor.scrub(done ? done.output : wait?.output)),
      done?.branch ?? null,
      wait?.until ?? null,
      error ? JSON.stringify(describeError(error)) : null,
      JSON.stringify(logs.map((l) => ({ ...l, message: redactor.scrub(l.message), data: redactor.scrub(l.data) }))),
      durationMs,
      // What was typed into the step's config stays in the draft; the test keeps it masked.
      JSON.stringify({ ...node, config: redactor.scrubInput(node.config) }),
    ],
  );
}
