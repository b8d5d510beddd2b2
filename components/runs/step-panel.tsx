"use client";
// The selected step of a run: its state, what an operator can do about it, every attempt with
// its error, its input and output, and the lines it logged.
import { useQuery } from "@tanstack/react-query";
import { stepLogsQuery } from "#lib/client/queries.ts";
import { clockTime, duration, fullTime } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import { stepDefinition } from "#lib/steps/index.ts";
import { isFinishedRun } from "#lib/engine/states.ts";
import type { RunView, StepError, StepView } from "#lib/runs/live-state.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import Link from "next/link";
import { describeEvaluation, type FlagEvaluation } from "#lib/flags/definition.ts";
import { shownStatus, statusStyle } from "../canvas/status-style.ts";
import { JsonView } from "../ui/json-view.tsx";
import { useNow } from "../live/use-now.ts";
import { StepCommands } from "./run-actions.tsx";
import { ApprovalSummary } from "./approval-summary.tsx";
import { ForEachItems } from "./for-each-items.tsx";
import { RunStatusBadge, stuckText } from "./run-status.tsx";

export function StepPanel({ run, nodeId, definition, onClose }: { run: RunView; nodeId: string; definition: Definition | undefined; onClose(): void }) {
  // A step run per item of a for-each: its passes are that for-each's items.
  const loop = definition?.edges.find((e) => e.kind === "body" && e.target === nodeId)?.source;
  const step = run.steps.find((s) => s.nodeId === nodeId);
  const node = definition?.nodes.find((n) => n.id === nodeId);
  const type = stepDefinition(node?.type ?? step?.type ?? "");
  const stuck = run.stuckSteps.find((s) => s.nodeId === nodeId);
  return (
    <div className="space-y-4" data-testid="step-panel">
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 className="truncate text-sm font-semibold text-zinc-900">{node?.name || nodeId}</h2>
          <p className="text-xs text-zinc-500">
            {type?.label ?? step?.type} · <span className="font-mono">{nodeId}</span>
          </p>
        </div>
        <button type="button" onClick={onClose} className="rounded px-1.5 text-sm text-zinc-500 hover:bg-zinc-100" aria-label="Close step details">
          ✕
        </button>
      </div>
      {loop ? (
        <>
          <p className="text-sm text-zinc-600">
            Runs once per item of <strong>{definition?.nodes.find((n) => n.id === loop)?.name || loop}</strong>; each item has its own attempts and Idempotency-Key.
          </p>
          {run.steps.some((s) => s.nodeId === loop) ? <ForEachItems runId={run.id} nodeId={loop} live={!isFinishedRun(run.status)} /> : null}
        </>
      ) : !step ? (
        <p className="text-sm text-zinc-600">{isFinishedRun(run.status) ? "This run never reached this step." : "Not reached yet."}</p>
      ) : (
        <>
          <StepState step={step} sourceRunId={run.replayOf} />
          {step.type === "approval" ? <ApprovalSummary runId={run.id} nodeId={nodeId} status={step.status} /> : null}
          {step.type === "decide" && step.status === "succeeded" ? <DecisionSummary output={step.output} /> : null}
          {step.type === "condition" && step.status === "succeeded" ? <FlagSummary output={step.output} /> : null}
          <ChildRuns run={run} nodeId={nodeId} />
          {stuck ? (
            <p role="alert" className="rounded-md bg-orange-50 px-3 py-2 text-xs text-orange-900 ring-1 ring-orange-200">
              Stuck: {stuckText(stuck)}
            </p>
          ) : null}
          {step.error ? <ErrorBox error={step.error} title={step.status === "retry_scheduled" ? "Last attempt failed" : "Error"} /> : null}
          <StepCommands run={run} step={step} definition={definition} />
          <Attempts step={step} />
          {step.waitKind === "items" ? <ForEachItems runId={run.id} nodeId={nodeId} live={!isFinishedRun(run.status)} /> : null}
          {step.input !== null ? <JsonView label="Input (templates resolved)" value={step.input} /> : null}
          {step.output !== null || step.status === "succeeded" ? <JsonView label="Output" value={step.output} /> : null}
          <Logs runId={run.id} nodeId={nodeId} />
        </>
      )}
    </div>
  );
}

function StepState({ step, sourceRunId }: { step: StepView; sourceRunId: string | null }) {
  const now = useNow(step.status === "retry_scheduled" || step.status === "running");
  const style = statusStyle(shownStatus(step));
  const retryIn = step.status === "retry_scheduled" && step.nextAttemptAt ? Math.max(0, new Date(step.nextAttemptAt).getTime() - now) : null;
  const runningFor = step.status === "running" && step.startedAt ? now - new Date(step.startedAt).getTime() : null;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
      <dt className="text-zinc-500">State</dt>
      <dd>
        <span className={cx("rounded-full px-1.5 py-0.5 text-[10px] font-semibold uppercase", style.badge)} data-testid="step-panel-status">
          {style.label}
        </span>
        {step.reason ? <span className="ml-1 text-zinc-500">({step.reason.replaceAll("_", " ")})</span> : null}
      </dd>
      {step.reusedFrom ? (
        <>
          <dt className="text-zinc-500">Output</dt>
          <dd data-testid="step-panel-reused">
            reused from run{" "}
            {sourceRunId ? (
              <Link href={`/runs/${sourceRunId}?step=${encodeURIComponent(step.nodeId)}`} className="font-mono text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                {sourceRunId.slice(0, 8)}
              </Link>
            ) : (
              "replayed"
            )}
            {step.status === "skipped" ? ", where it was skipped" : ""}; it did not run again
          </dd>
        </>
      ) : (
        <>
          <dt className="text-zinc-500">Attempt</dt>
          <dd data-testid="step-panel-attempt">
            {step.attempt} of {step.maxAttempts || "?"}
            {retryIn !== null ? <span className="text-amber-700"> · next in {duration(retryIn)}</span> : null}
            {runningFor !== null ? <span className="text-sky-700"> · running for {duration(runningFor)}</span> : null}
          </dd>
        </>
      )}
      {step.status === "waiting" ? (
        <>
          <dt className="text-zinc-500">Waiting for</dt>
          <dd data-testid="step-panel-waiting">
            {step.waitKind && step.waitKind !== "timer" ? step.waitKind.replaceAll("_", " ") : "time"}
            {step.waitUntil ? (
              <span title={fullTime(step.waitUntil)}>
                {step.waitKind && step.waitKind !== "timer" ? " · deadline " : " · until "}
                {clockTime(step.waitUntil)}
              </span>
            ) : (
              " · no deadline"
            )}
          </dd>
        </>
      ) : null}
      {step.startedAt && !step.reusedFrom ? (
        <>
          <dt className="text-zinc-500">Started</dt>
          <dd title={fullTime(step.startedAt)}>{clockTime(step.startedAt)}</dd>
        </>
      ) : null}
      {step.finishedAt && !step.reusedFrom ? (
        <>
          <dt className="text-zinc-500">Finished</dt>
          <dd title={fullTime(step.finishedAt)}>
            {clockTime(step.finishedAt)} {step.startedAt ? `(${duration(new Date(step.finishedAt).getTime() - new Date(step.startedAt).getTime())})` : ""}
          </dd>
        </>
      ) : null}
      {step.branch ? (
        <>
          <dt className="text-zinc-500">Branch</dt>
          <dd className="font-mono">{step.branch}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** HTTP failures carry the response status in their details. */
const httpStatus = (error: StepError) => (typeof error.details?.status === "number" ? error.details.status : undefined);

function ErrorBox({ error, title }: { error: StepError; title: string }) {
  const status = httpStatus(error);
  return (
    <div className="rounded-md bg-red-50 px-3 py-2 text-xs text-red-900 ring-1 ring-red-200" data-testid="step-error">
      <p className="font-semibold">
        {title}
        {status ? <span className="ml-1 rounded bg-red-200 px-1 font-mono">HTTP {status}</span> : null}
        {error.code ? <span className="ml-1 font-mono text-red-700">{error.code}</span> : null}
      </p>
      <p className="mt-0.5 break-words">{error.message}</p>
      {error.retryable === false ? <p className="mt-0.5 text-red-700">Not retryable: the step failed at once.</p> : null}
      {typeof error.details?.body === "string" && error.details.body ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-red-700">Response body</summary>
          <pre className="mt-1 max-h-48 overflow-auto text-[10px] break-all whitespace-pre-wrap">{error.details.body}</pre>
        </details>
      ) : null}
      {error.stack ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-red-700">Stack trace</summary>
          <pre className="mt-1 max-h-48 overflow-auto text-[10px] whitespace-pre-wrap">{error.stack}</pre>
        </details>
      ) : null}
    </div>
  );
}

function Attempts({ step }: { step: StepView }) {
  if (step.attempts.length === 0) return null;
  return (
    <section aria-label="Attempts">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Attempts</h3>
      <ol className="space-y-1.5" data-testid="attempts">
        {step.attempts.map((a) => (
          <li key={a.attempt} className="rounded-md border border-zinc-200 px-2 py-1.5 text-xs" data-testid={`attempt-${a.attempt}`}>
            <div className="flex items-center justify-between gap-2">
              <span className="font-medium">#{a.attempt}</span>
              <span className={cx("rounded-full px-1.5 text-[10px] font-semibold uppercase", statusStyle(a.status === "crashed" || a.status === "timed_out" ? "failed" : a.status).badge)}>
                {a.status.replaceAll("_", " ")}
              </span>
              <span className="text-zinc-500" title={fullTime(a.startedAt)}>
                {clockTime(a.startedAt)}
              </span>
              <span className="w-16 text-right tabular-nums text-zinc-700">{a.finishedAt ? duration(new Date(a.finishedAt).getTime() - new Date(a.startedAt).getTime()) : "…"}</span>
            </div>
            {a.error ? (
              <div className="mt-1 text-red-800">
                {httpStatus(a.error) ? <span className="mr-1 rounded bg-red-100 px-1 font-mono">HTTP {httpStatus(a.error)}</span> : null}
                {a.error.message}
                {a.retryDelayMs !== null ? <span className="text-zinc-500"> · retried after {duration(a.retryDelayMs)}</span> : null}
                {a.error.stack ? (
                  <details>
                    <summary className="cursor-pointer text-red-700">Stack trace</summary>
                    <pre className="mt-1 max-h-40 overflow-auto text-[10px] whitespace-pre-wrap">{a.error.stack}</pre>
                  </details>
                ) : null}
              </div>
            ) : null}
            {a.workerId ? <p className="mt-0.5 truncate text-[10px] text-zinc-500">on {a.workerId}</p> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

const levelTone: Record<string, string> = { error: "text-red-400", warn: "text-amber-300", info: "text-sky-300", debug: "text-zinc-500" };

function Logs({ runId, nodeId }: { runId: string; nodeId: string }) {
  const logs = useQuery(stepLogsQuery(runId, nodeId));
  return (
    <section aria-label="Logs">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Logs</h3>
      {logs.error ? <p className="text-xs text-red-700">{logs.error.message}</p> : null}
      {logs.data && logs.data.logs.length === 0 ? <p className="text-xs text-zinc-500">Nothing logged yet. Lines appear when an attempt ends.</p> : null}
      <ol className="max-h-60 overflow-auto rounded-md bg-zinc-950 p-2 font-mono text-[11px] leading-relaxed text-zinc-200" data-testid="step-logs" hidden={!logs.data?.logs.length}>
        {logs.data?.logs.map((l) => (
          <li key={l.id} className="break-all">
            <span className="text-zinc-500">{clockTime(l.at)} #{l.attempt} </span>
            <span className={cx("uppercase", levelTone[l.level])}>{l.level}</span> {l.message}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A sub-workflow step's child runs, one per attempt that started one, with where they are. */
function ChildRuns({ run, nodeId }: { run: RunView; nodeId: string }) {
  const children = run.children.filter((c) => c.nodeId === nodeId);
  if (children.length === 0) return null;
  return (
    <section aria-label="Child runs" data-testid="child-runs">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-zinc-600 uppercase">Child runs</h3>
      <ul className="space-y-1 text-sm">
        {children.map((c) => (
          <li key={c.id} className="flex items-center justify-between gap-2 rounded-md border border-zinc-200 px-2 py-1">
            <Link href={`/runs/${c.id}`} className="min-w-0 truncate text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {c.workflowName} <span className="font-mono text-xs">{c.id.slice(0, 8)}</span>
            </Link>
            <RunStatusBadge status={c.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A condition in flag mode: the flag, its version, what it served and why. */
function FlagSummary({ output }: { output: unknown }) {
  const flag = (output as { flag?: FlagEvaluation } | null)?.flag;
  if (!flag) return null;
  return (
    <p className="rounded-md bg-indigo-50 px-3 py-2 text-xs text-indigo-900" data-testid="flag-summary">
      Decided by flag{" "}
      <Link href={`/flags/${flag.flag}`} className="font-medium underline">
        {flag.flag}
      </Link>
      : {describeEvaluation(flag).slice(flag.flag.length + 1)}.
    </p>
  );
}

/** A Decide step's answer: which rule set and version decided, and the rows that matched. */
function DecisionSummary({ output }: { output: unknown }) {
  const o = output as { ruleSet?: string; version?: number; matched?: string[]; rows?: number[] } | null;
  if (!o?.ruleSet) return null;
  return (
    <p className="rounded-md bg-indigo-50 px-3 py-2 text-xs text-indigo-900" data-testid="decision-summary">
      Decided by{" "}
      <Link href={`/rules/${o.ruleSet}`} className="font-medium underline">
        {o.ruleSet} v{o.version}
      </Link>
      : {o.matched?.length ? `row${o.matched.length > 1 ? "s" : ""} ${(o.rows ?? []).join(", ")} matched (${o.matched.join(", ")})` : "no row matched"}.
    </p>
  );
}
