"use client";
// One run, live: the workflow version it runs drawn with each step's state, the path taken lit;
// the selected step in a side panel; a timeline and the audit log below. Everything follows the
// run's event stream; operators act from the header and the step panel.
import Link from "next/link";
import { useCallback, useMemo } from "react";
import { useSearchParams } from "next/navigation";
import { replaceSearch } from "#lib/client/url-state.ts";
import { useQuery } from "@tanstack/react-query";
import { Tabs } from "radix-ui";
import { workflowVersionQuery } from "#lib/client/queries.ts";
import { triggerKindLabel } from "#lib/triggers/schemas.ts";
import { duration, fullTime, timeAgo } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { doneStepStatuses, isFinishedRun } from "#lib/engine/states.ts";
import { isEntry } from "#lib/steps/index.ts";
import { runProgress } from "#lib/runs/progress.ts";
import { isCompensationFlowEdge } from "#lib/canvas/mapping.ts";
import { compensationOrderOf, compensationPlan } from "#lib/engine/compensation-plan.ts";
import type { RunView, StepView } from "#lib/runs/live-state.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { buildGraph, stepsTotal as countSteps, topologicalOrder, type Graph } from "#lib/workflow/graph.ts";
import { ReadonlyCanvas } from "../canvas/readonly-canvas.tsx";
import { FullScreen } from "../ui/full-screen.tsx";
import { shownStatus, statusStyle } from "../canvas/status-style.ts";
import { JsonView } from "../ui/json-view.tsx";
import { StreamStatus } from "../live/stream-status.tsx";
import { useNow } from "../live/use-now.ts";
import { RunStatusBadge, stuckText } from "./run-status.tsx";
import { RunCommands } from "./run-actions.tsx";
import { StepPanel } from "./step-panel.tsx";
import { Timeline } from "./timeline.tsx";
import { AuditLog } from "./audit-log.tsx";
import { useLiveRun } from "./use-live-run.ts";
import { RunAnnouncer } from "./run-announcer.tsx";
import { ProgressMeter } from "./progress-meter.tsx";

const taken = { stroke: "#10b981", strokeWidth: 2.5 };
/** The compensation path: its own colour, dashed like the edge it follows. */
const undoing = { stroke: "#d97706", strokeWidth: 2.5, strokeDasharray: "6 4" };

export function RunPage({ runId }: { runId: string }) {
  const { run, events, error, stream } = useLiveRun(runId);
  const version = useQuery({ ...workflowVersionQuery(run?.workflowId, run?.version), enabled: !!run, staleTime: Infinity });
  const selected = useSearchParams().get("step");
  const select = useCallback((nodeId: string | null) => replaceSearch({ step: nodeId }), []);

  const byNode = useMemo(() => new Map((run?.steps ?? []).map((s) => [s.nodeId, s])), [run?.steps]);
  const stuckByNode = useMemo(() => new Map((run?.stuckSteps ?? []).map((s) => [s.nodeId, stuckText(s)])), [run?.stuckSteps]);
  const nameOf = useStepNames(version.data?.definition);
  const rank = useGraphRank(version.data?.definition);
  const graph = useMemo(() => (version.data ? buildGraph(version.data.definition) : undefined), [version.data]);
  const undoes = useCallback((nodeId: string) => graph?.compensates.get(nodeId), [graph]);
  const decorate = useCallback(
    (nodeId: string) => {
      // A step run per item: its for-each's items stand for its passes.
      const loop = graph?.bodyOf.get(nodeId);
      if (loop) return perItemView(byNode.get(loop));
      const s = byNode.get(nodeId);
      if (!s) return { status: "pending" };
      // A reused step did not run here: no attempt line.
      if (s.reusedFrom) return { status: "reused", attempt: 0 };
      // Held back by its dependency's breaker: the reason, on the node.
      const held = s.status === "queued" && s.reason?.startsWith("waiting: ") ? s.reason : undefined;
      return { status: s.status, attempt: s.attempt, maxAttempts: s.maxAttempts, nextAttemptAt: s.nextAttemptAt, stuck: stuckByNode.get(nodeId), held, progress: s.progress ?? null };
    },
    [byNode, stuckByNode, graph],
  );
  const decorateEdge = useCallback(
    (e: { source: string; target: string; sourceHandle?: string | null }) => {
      const from = byNode.get(e.source);
      const to = byNode.get(e.target);
      if (isCompensationFlowEdge(e)) {
        // Lit once the undo was queued; moving while it runs.
        return to ? { style: undoing, animated: to.status === "running" || to.status === "queued", className: "edge-undoing" } : undefined;
      }
      const passed = from && (from.status === "succeeded" || (from.status === "skipped" && from.reason === "operator")) && (!e.sourceHandle || from.branch === e.sourceHandle);
      if (!passed || !to || (to.status === "skipped" && to.reason === "branch")) return undefined;
      return { style: taken, animated: to.status === "running" || to.status === "queued", className: "edge-taken" };
    },
    [byNode],
  );

  if (error) return <p role="alert" className="text-sm text-red-700">{error.message}</p>;
  if (!run) return <p className="text-sm text-zinc-500">Loading run…</p>;
  return (
    <FullScreen>
      <RunHeader run={run} stream={stream} definition={version.data?.definition} />
      <RunAnnouncer run={run} nameOf={nameOf} named={!!version.data} />
      {run.stuck ? (
        <p role="alert" className="border-b border-orange-200 bg-orange-50 px-4 py-2 text-sm text-orange-900" data-testid="run-stuck">
          <strong>Stuck.</strong> {stuckText(run.stuck)}{" "}
          <button type="button" className="underline" onClick={() => select(run.stuck!.nodeId)}>
            Show step
          </button>
        </p>
      ) : null}
      {run.heldSince && run.status === "queued" ? <HeldBanner run={run} definition={version.data?.definition} /> : null}
      {(run.status === "failed" || isCompensation(run.status)) && run.error?.message ? (
        <p className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800" data-testid="run-error">
          {run.error.message}
        </p>
      ) : null}
      {isCompensation(run.status) || run.status === "compensated" ? <CompensationBanner run={run} graph={graph} nameOf={nameOf} onSelect={select} /> : null}
      {/* On a phone the parts stack: header, canvas, steps, then the tabs (the left column's
          box dissolves so that its children take their own places). */}
      <div className="flex flex-col md:min-h-0 md:flex-1 md:flex-row">
        <div className="contents md:flex md:min-w-0 md:flex-1 md:flex-col">
          <div className="order-1 h-[55vh] min-h-0 md:order-none md:h-auto md:flex-1" role="region" aria-label="Workflow with step states">
            {version.data ? <ReadonlyCanvas definition={version.data.definition} decorate={decorate} decorateEdge={decorateEdge} onSelect={select} selectedId={selected} /> : null}
          </div>
          <Tabs.Root defaultValue="timeline" className="order-3 flex h-80 shrink-0 flex-col border-t border-zinc-200 bg-white md:order-none md:h-64">
            <Tabs.List aria-label="Run details" className="flex gap-1 border-b border-zinc-200 px-3">
              {[
                ["timeline", "Timeline"],
                ["audit", `Audit log (${events.length})`],
                ["data", "Input & output"],
              ].map(([value, label]) => (
                <Tabs.Trigger key={value} value={value} className="border-b-2 border-transparent px-2 py-1.5 text-xs font-medium text-zinc-600 data-[state=active]:border-indigo-600 data-[state=active]:text-zinc-900">
                  {label}
                </Tabs.Trigger>
              ))}
            </Tabs.List>
            <Tabs.Content value="timeline" className="min-h-0 flex-1 overflow-auto">
              <Timeline run={run} selected={selected} onSelect={select} nameOf={nameOf} rank={rank} undoes={undoes} />
            </Tabs.Content>
            <Tabs.Content value="audit" className="min-h-0 flex-1 overflow-auto">
              <AuditLog runId={run.id} events={events} onSelect={select} nameOf={nameOf} />
            </Tabs.Content>
            <Tabs.Content value="data" className="grid min-h-0 flex-1 grid-cols-1 gap-3 overflow-auto p-3 md:grid-cols-2">
              <JsonView label="Run input" value={run.input} />
              <JsonView label="Run output" value={run.output} />
            </Tabs.Content>
          </Tabs.Root>
        </div>
        <aside aria-label={selected ? `Step ${nameOf(selected)}` : "Steps"} className="order-2 w-full shrink-0 overflow-y-auto border-t border-zinc-200 bg-white p-4 md:order-none md:w-96 md:border-t-0 md:border-l">
          {selected ? <StepPanel run={run} nodeId={selected} definition={version.data?.definition} onClose={() => select(null)} /> :             <StepList run={run} definition={version.data?.definition} graph={graph} rank={rank} onSelect={select} />}
        </aside>
      </div>
    </FullScreen>
  );
}

function RunHeader({ run, stream, definition }: { run: RunView; stream: ReturnType<typeof useLiveRun>["stream"]; definition: Definition | undefined }) {
  const active = !isFinishedRun(run.status);
  const now = useNow(active && !!run.startedAt);
  const took = run.startedAt ? (run.finishedAt ? new Date(run.finishedAt).getTime() : now) - new Date(run.startedAt).getTime() : null;
  return (
    <header className="flex min-h-14 shrink-0 flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-200 bg-white px-4 py-2 text-sm">
      <Link href="/runs" className="text-zinc-500 hover:text-zinc-900">
        Runs /
      </Link>
      <h1 className="font-mono text-sm font-semibold text-zinc-900" title={run.id}>
        {run.id.slice(0, 8)}
      </h1>
      <RunStatusBadge status={run.status} testId="run-status" />
      <span className="text-zinc-500">
        <Link href={`/workflows/${run.workflowId}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
          {run.workflowName}
        </Link>{" "}
        v{run.version}
        {run.versionReason === "canary" ? (
          <span className="ml-1 rounded-full bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-200" title="A canary rollout chose this version for the run" data-testid="run-version-reason">
            canary
          </span>
        ) : run.versionReason && run.versionReason !== "stable" ? (
          <span className="ml-1 text-xs" title={run.versionReason === "pinned" ? "The caller or its trigger named this version" : "A replay runs its source run's version"} data-testid="run-version-reason">({run.versionReason})</span>
        ) : null}{" "}
        · by{" "}
        {run.trigger ? (
          <Link href={`/runs?workflowId=${run.workflowId}&triggerId=${run.trigger.id}`} data-testid="run-trigger" className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            {triggerKindLabel(run.trigger.kind)} “{run.trigger.name}”
          </Link>
        ) : (
          actorName(run.createdBy)
        )}{" "}
        <span title={fullTime(run.createdAt)}>{timeAgo(run.createdAt)}</span>
        {took !== null ? <> · {duration(took)}</> : null}
        {run.replayOf ? (
          <>
            {" "}
            · replay of{" "}
            <Link href={`/runs/${run.replayOf}`} className="font-mono text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {run.replayOf.slice(0, 8)}
            </Link>
          </>
        ) : null}
        {run.parent ? (
          <>
            {" "}
            · sub-workflow of{" "}
            <Link href={`/runs/${run.parent.runId}?step=${encodeURIComponent(run.parent.nodeId)}`} data-testid="run-parent" className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {run.parent.workflowName} <span className="font-mono">{run.parent.runId.slice(0, 8)}</span>
            </Link>
          </>
        ) : null}
        {run.correlationId ? <> · correlation {run.correlationId}</> : null}
        {run.trace ? (
          <span data-testid="run-trace">
            {" "}
            · trace{" "}
            {run.trace.url ? (
              <a href={run.trace.url} target="_blank" rel="noreferrer" className="font-mono text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700" title={run.trace.id}>
                {run.trace.id.slice(0, 12)}
              </a>
            ) : (
              <span className="font-mono" title={run.trace.id}>
                {run.trace.id.slice(0, 12)}
              </span>
            )}
          </span>
        ) : null}
        {run.callback ? (
          <span data-testid="run-callback" title={run.callback.lastError ? `last error: ${run.callback.lastError}` : undefined}>
            {" "}
            · result to {run.callback.host}: {run.callback.status}
            {run.callback.status === "pending" && run.callback.attempts > 0 ? ` (attempt ${run.callback.attempts} failed: ${run.callback.lastError})` : ""}
          </span>
        ) : null}
      </span>
      <RunProgress run={run} definition={definition} />
      <span className="ml-auto flex flex-wrap items-center gap-3">
        <StreamStatus state={stream} />
        <RunCommands run={run} definition={definition} />
      </span>
    </header>
  );
}

/** How a step run per item shows: as its for-each's items go (running while they do). */
function perItemView(loop: StepView | undefined): { status: string; progress?: StepView["progress"] } {
  if (!loop) return { status: "pending" };
  return { status: loop.status === "waiting" ? "running" : loop.status, progress: loop.progress ?? null };
}

/** A step's place in the order the graph runs them (each after the steps before it); unknown ids last. */
function useGraphRank(definition: Definition | undefined) {
  return useMemo(() => {
    const graph = definition ? buildGraph(definition) : undefined;
    // Compensations (outside the flow) after every step of it.
    const order = graph ? topologicalOrder(graph).toSorted((a, b) => Number(graph.compensates.has(a)) - Number(graph.compensates.has(b))) : [];
    return (nodeId: string) => {
      const i = order.indexOf(nodeId);
      return i === -1 ? order.length : i;
    };
  }, [definition]);
}

function StepList({ run, definition, graph, rank, onSelect }: { run: RunView; definition: Definition | undefined; graph: Graph | undefined; rank(nodeId: string): number; onSelect(nodeId: string): void }) {
  // In graph order, pending ones included; a step run per item as its for-each's items go.
  const loopOf = (nodeId: string) => run.steps.find((s) => s.nodeId === graph?.bodyOf.get(nodeId));
  const steps: (StepView | { nodeId: string; status: string; attempt: number; maxAttempts: number; iteration: number; reusedFrom: null })[] = [
    ...run.steps,
    ...(definition?.nodes ?? [])
      .filter((n) => !run.steps.some((s) => s.nodeId === n.id))
      .map((n) => ({ nodeId: n.id, status: graph?.bodyOf.has(n.id) ? perItemView(loopOf(n.id)).status : "pending", attempt: 0, maxAttempts: 0, iteration: 0, reusedFrom: null })),
  ].toSorted((a, b) => rank(a.nodeId) - rank(b.nodeId) || a.iteration - b.iteration);
  return (
    <div>
      <h2 className="text-sm font-semibold text-zinc-900">Steps</h2>
      <p className="mt-0.5 text-xs text-zinc-600">Select a step on the canvas or here for its attempts, data and logs.</p>
      <ul className="mt-3 space-y-1.5 text-sm" data-testid="step-list">
        {steps.map((s) => {
          const style = statusStyle(shownStatus(s));
          const name = definition?.nodes.find((n) => n.id === s.nodeId)?.name;
          return (
            <li key={`${s.nodeId}:${s.iteration}`}>
              <button type="button" onClick={() => onSelect(s.nodeId)} className="flex w-full items-center justify-between gap-2 rounded-md border border-zinc-200 px-2 py-1.5 text-left hover:bg-zinc-50" data-testid={`step-${s.nodeId}`}>
                <span className="min-w-0 truncate">
                  {name || s.nodeId}
                  {name ? <span className="ml-1 font-mono text-xs text-zinc-500">{s.nodeId}</span> : null}
                </span>
                <span className="flex shrink-0 items-center gap-1.5">
                  {s.attempt > 1 && !s.reusedFrom ? <span className="text-xs text-zinc-600">#{s.attempt}</span> : null}
                  <span className={cx("rounded-full px-1.5 py-0.5 text-[10px] font-semibold uppercase", style.badge)}>{style.label}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** A step's name from the run's version where it has one, its id otherwise. */
function useStepNames(definition: Definition | undefined) {
  return useMemo(() => {
    const names = new Map((definition?.nodes ?? []).map((n) => [n.id, n.name]));
    return (nodeId: string) => names.get(nodeId) || nodeId;
  }, [definition]);
}

const isCompensation = (status: string) => status === "compensating" || status === "compensation_failed";

/** While a run undoes what it did, and after: each step it undoes, in the order they are undone,
 * with where its compensation is. */
function CompensationBanner({ run, graph, nameOf, onSelect }: { run: RunView; graph: Graph | undefined; nameOf(nodeId: string): string; onSelect(nodeId: string): void }) {
  if (!graph) return null;
  const plan = compensationPlan(graph, run.steps);
  const byNode = new Map(run.steps.map((s) => [s.nodeId, s]));
  const parallel = compensationOrderOf(graph) === "parallel";
  const heading = run.status === "compensated" ? "Compensated: every completed step was undone" : run.status === "compensation_failed" ? "Compensation stopped: a compensation failed. Retry or skip it from its step." : "Compensating: undoing the completed steps";
  return (
    <section
      aria-label="Compensation"
      data-testid="compensation-banner"
      className={cx("border-b px-4 py-2 text-sm", run.status === "compensation_failed" ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-950")}
    >
      <p className="font-medium">{heading}</p>
      <ol className="mt-1 flex flex-wrap items-center gap-x-1.5 gap-y-1 text-xs">
        {plan.map((entry, i) => {
          const undo = byNode.get(entry.compensator);
          const style = statusStyle(undo?.status ?? "pending");
          return (
            <li key={entry.compensator} className="flex items-center gap-1.5">
              {i > 0 ? <span aria-hidden>{parallel ? "·" : "→"}</span> : null}
              <button type="button" className="rounded-md bg-white px-1.5 py-0.5 ring-1 ring-amber-200 hover:ring-amber-400" onClick={() => onSelect(entry.compensator)} data-testid={`undo-${entry.compensator}`}>
                {nameOf(entry.compensator)} <span className="text-zinc-500">undoes {nameOf(entry.nodeId)}</span>{" "}
                <span className={cx("rounded-full px-1.5 text-[10px] font-semibold uppercase", style.badge)}>{undo ? style.label : "next"}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** A run queued behind its workflow's limit of active runs: why, and where the others are. */
function HeldBanner({ run, definition }: { run: RunView; definition: Definition | undefined }) {
  const limit = (definition?.nodes.find((n) => isEntry(n.type))?.config as { maxActiveRuns?: number } | undefined)?.maxActiveRuns;
  return (
    <p role="status" className="border-b border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-950" data-testid="run-held">
      <strong>Waiting for a slot</strong> since {new Date(run.heldSince!).toLocaleTimeString()}: {run.workflowName} runs {limit ? `at most ${limit} ${limit === 1 ? "run" : "runs"}` : "a limited number of runs"} at once, and this one
      starts, in arrival order, when one of them ends.{" "}
      <Link className="underline" href={`/runs?workflowId=${run.workflowId}`}>
        See its runs
      </Link>
    </p>
  );
}

/** The run's progress (lib/runs/progress.ts), live from its steps. */
function RunProgress({ run, definition }: { run: RunView; definition: Definition | undefined }) {
  const stepsTotal = useMemo(() => {
    const graph = definition ? buildGraph(definition) : undefined;
    return graph ? countSteps(graph) : 0;
  }, [definition]);
  if (isFinishedRun(run.status) || !definition) return null;
  const done = run.steps.filter((s) => s.iteration === 0 && DECIDED.has(s.status)).length;
  const open = run.steps.filter((s) => s.progress && (s.status === "running" || s.status === "waiting")).toSorted((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""))[0];
  const progress = runProgress(done, stepsTotal, open?.progress);
  return <ProgressMeter progress={progress} testId="run-progress" />;
}

const DECIDED: ReadonlySet<string> = new Set(doneStepStatuses);
