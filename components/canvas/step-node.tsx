"use client";
// A step on the canvas: icon, name, type, its problems (editor) or its state (run view), and one
// handle per output. React Flow renders it; node.data is plain serialisable data.
import { memo, useEffect, useRef } from "react";
import { useNow } from "../live/use-now.ts";
import { Handle, Position, useUpdateNodeInternals, type NodeProps, type Node } from "@xyflow/react";
import { stepDefinition } from "#lib/steps/index.ts";
import { BODY_HANDLE, COMPENSATION_HANDLE, type StepNodeData } from "#lib/canvas/mapping.ts";
import type { StepProgress } from "#lib/engine/event-catalog.ts";
import { progressLabel } from "#lib/runs/progress.ts";
import { nodeHeight } from "#lib/canvas/layout.ts";
import { cx } from "#lib/client/cx.ts";
import { StepIcon, categoryTone } from "./step-icons.tsx";
import { statusStyle } from "./status-style.ts";
import { useQuickAdd, type QuickAdd } from "./quick-add.ts";

export type StepFlowNode = Node<StepNodeData, "step">;

/** A limit set on the step, above its top left corner. */
const LIMIT_CHIP = "absolute -top-2.5 left-2 rounded-full bg-zinc-100 px-1.5 py-0.5 text-[10px] font-semibold text-zinc-700 ring-1 ring-zinc-200";

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const definition = stepDefinition(data.stepType);
  const problems = data.problems ?? [];
  const outputs = definition?.outputs ?? ["default"];
  const status = data.status ? statusStyle(data.status) : undefined;
  const diff = data.diff as string | undefined;
  const quickAdd = useQuickAdd();
  const label = data.name || id;
  // A step that undoes another, or runs per item of a for-each, runs outside the flow: its edge
  // comes in from above, and nothing follows it.
  const undoer = !!data.undoes;
  const perItem = !!data.perItemOf;
  const apart = undoer || perItem;
  // Its input handle moves (left → top) when it comes to stand apart: edges are drawn to where it
  // is now. (Only on a change: on the first render React Flow measures the handles itself.)
  const updateNodeInternals = useUpdateNodeInternals();
  const wasApart = useRef(apart);
  useEffect(() => {
    if (wasApart.current === apart) return;
    wasApart.current = apart;
    updateNodeInternals(id);
  }, [apart, id, updateNodeInternals]);
  return (
    <div
      data-testid={`node-${id}`}
      data-status={data.status}
      data-attempt={data.status ? data.attempt : undefined}
      data-stuck={data.stuck ? "true" : undefined}
      data-problems={problems.length || undefined}
      data-diff={diff}
      title={problems.length ? problems.join("\n") : data.stuck}
      // Three branches or more (an approval's) need room for their labels, one above the other.
      style={{ height: nodeHeight(data.stepType) }}
      className={cx(
        "relative flex w-[220px] items-center gap-2.5 rounded-lg border bg-white px-3 shadow-sm transition-shadow",
        selected ? "border-indigo-500 ring-2 ring-indigo-500/30" : "border-zinc-300",
        problems.length > 0 && "border-red-400",
        status?.card,
        data.stuck && "ring-2 ring-orange-500/60",
        diff === "added" && "border-emerald-500 bg-emerald-50 ring-2 ring-emerald-500/30",
        diff === "removed" && "border-red-400 bg-red-50 opacity-70 ring-2 ring-red-400/30",
        diff === "changed" && "border-amber-500 bg-amber-50 ring-2 ring-amber-500/30",
        undoer && !status && "border-dashed border-amber-500",
        perItem && !status && "border-dotted border-sky-600",
      )}
    >

      {definition?.acceptsInput !== false ? (
        <Handle type="target" position={apart ? Position.Top : Position.Left} className={cx("!h-3 !w-3 !border-2 !border-white", undoer ? "!bg-amber-500" : perItem ? "!bg-sky-600" : "!bg-zinc-400")} />
      ) : null}
      <span className={cx("flex size-8 shrink-0 items-center justify-center rounded-md", categoryTone[definition?.category ?? "data"])}>
        <StepIcon name={definition?.icon ?? "shuffle"} />
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium text-zinc-900">{data.name || id}</span>
        {undoer ? (
          // What it undoes says more than its id.
          <span className="block truncate text-xs text-zinc-500">
            <span className="font-medium text-amber-800" data-testid="node-undoes">
              undoes {data.undoesName ?? data.undoes}
            </span>{" "}
            · {definition?.label ?? data.stepType}
          </span>
        ) : perItem ? (
          <span className="block truncate text-xs text-zinc-500">
            <span className="font-medium text-sky-800" data-testid="node-per-item">
              each item of {data.perItemOfName ?? data.perItemOf}
            </span>{" "}
            · {definition?.label ?? data.stepType}
          </span>
        ) : (
          <span className="block truncate text-xs text-zinc-500">
            {definition?.label ?? `Unknown type "${data.stepType}"`}
            {data.name ? <span className="text-zinc-500"> · {id}</span> : null}
          </span>
        )}
      </span>
      {status ? (
        <span className="absolute -top-2.5 right-2 flex items-center gap-1">
          {data.stuck ? <span className="rounded-full bg-orange-500 px-1.5 py-0.5 text-xs font-semibold text-white uppercase">stuck</span> : null}
          <span className={cx("flex items-center gap-1 rounded-full px-1.5 py-0.5 text-xs font-semibold uppercase shadow-sm", status.badge)}>
            {data.status === "running" ? <span aria-hidden className="size-1.5 animate-ping rounded-full bg-sky-600" /> : null}
            <span className="sr-only">Step state: </span>
            <span data-testid="node-status">{status.label}</span>
          </span>
        </span>
      ) : null}
      {data.concurrency ? (
        <span
          className={LIMIT_CHIP}
          data-testid="node-concurrency"
          title={data.concurrency.key ? `At most ${data.concurrency.limit} at once per ${data.concurrency.key}` : `At most ${data.concurrency.limit} at once`}
        >
          ≤ {data.concurrency.limit} {data.concurrency.key ? "per key" : "at once"}
        </span>
      ) : null}
      {definition?.entry && typeof data.config.maxActiveRuns === "number" ? (
        <span
          className={LIMIT_CHIP}
          data-testid="node-max-runs"
          title={`At most ${data.config.maxActiveRuns} runs of this workflow at once; more wait their turn`}
        >
          ≤ {data.config.maxActiveRuns} {data.config.maxActiveRuns === 1 ? "run" : "runs"} at once
        </span>
      ) : null}
      {data.progress ? <ProgressBar progress={data.progress} /> : null}
      {data.held ? (
        <span className="absolute -bottom-5 left-1 max-w-[260px] truncate text-xs font-medium whitespace-nowrap text-orange-700" data-testid="node-held" title={data.held}>
          {data.held}
        </span>
      ) : null}
      {!data.held && !data.progress && status && (data.attempt ?? 0) > 0 && ((data.maxAttempts ?? 0) > 1 || (data.attempt ?? 0) > 1) ? <AttemptLine attempt={data.attempt!} maxAttempts={data.maxAttempts ?? 0} nextAttemptAt={data.status === "retry_scheduled" ? data.nextAttemptAt : null} /> : null}
      {problems.length > 0 ? (
        <span className="absolute -top-2 -right-2 flex size-5 items-center justify-center rounded-full bg-red-600 text-xs font-bold text-white">
          <span aria-hidden>{problems.length}</span>
          <span className="sr-only">{`${problems.length} problem${problems.length > 1 ? "s" : ""}`}</span>
        </span>
      ) : null}
      {/* Level with each output handle; past a branch's name when the handle has one. */}
      {quickAdd && !apart
        ? (outputs.length === 1 ? [null] : outputs).map((handle, i) => (
            <span
              key={handle ?? "out"}
              className="absolute -translate-y-1/2"
              // Past the branch's label (text-xs: about 6.5 px a character).
              style={{ top: `${((i + 1) / ((handle ? outputs.length : 1) + 1)) * 100}%`, right: handle ? -Math.round(branchLabel(handle).length * 6.5 + 30) : -36 }}
            >
              <AddButton quickAdd={quickAdd} source={id} handle={handle} label={label} />
            </span>
          ))
        : null}
      {apart ? null : outputs.length === 1 ? (
        <Handle type="source" position={Position.Right} className="!h-3 !w-3 !border-2 !border-white !bg-zinc-400" />
      ) : (
        outputs.map((handle, i) => (
          <Handle
            key={handle}
            id={handle}
            type="source"
            position={Position.Right}
            style={{ top: `${((i + 1) / (outputs.length + 1)) * 100}%` }}
            className={cx("!h-3 !w-3 !border-2 !border-white", handle === "true" ? "!bg-emerald-500" : handle === "false" ? "!bg-red-400" : "!bg-zinc-400")}
            aria-label={`${handle} branch`}
          >
            <span className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 whitespace-nowrap text-xs font-medium text-zinc-600">{branchLabel(handle)}</span>
          </Handle>
        ))
      )}
      {/* Sagas: drag from here to the step that undoes this one when a run fails. */}
      {/* (Read-only canvases draw it only where a compensation leaves from it.) */}
      {definition && !definition.entry && !definition.exit && !apart && (quickAdd || data.compensated) ? (
        <Handle
          id={COMPENSATION_HANDLE}
          type="source"
          position={Position.Bottom}
          className="!h-2.5 !w-2.5 !rounded-sm !border-2 !border-white !bg-amber-500"
          title="Compensation: drag to the step that undoes this one when a run fails"
        />
      ) : null}
      {/* For-each: drag from here to the step to run once per item. */}
      {definition?.itemBody && (quickAdd || data.hasBody) ? (
        <Handle
          id={BODY_HANDLE}
          type="source"
          position={Position.Bottom}
          style={{ left: "30%" }}
          className="!h-3 !w-3 !border-2 !border-white !bg-sky-600"
          title="Each item: drag to the step to run once per item (its templates read {{ item }} and {{ index }})"
          aria-label="each item"
        />
      ) : null}
    </div>
  );
}

/** A branch's name as drawn: "changes requested" for changes_requested. */
const branchLabel = (handle: string) => handle.replaceAll("_", " ");

/** "+" beside an output: the picker for the step that follows it. */
function AddButton({ quickAdd, source, handle, label }: { quickAdd: QuickAdd; source: string; handle: string | null; label: string }) {
  return (
    <button
      type="button"
      className="nodrag nopan flex size-5 items-center justify-center rounded-full border border-zinc-300 bg-white text-sm leading-none text-zinc-600 shadow-sm hover:border-indigo-500 hover:text-indigo-700 focus-visible:ring-2 focus-visible:ring-indigo-500"
      aria-label={`Add a step after ${label}${handle ? ` on its ${handle} branch` : ""}`}
      title={`Add a step after ${label}${handle ? ` (${handle})` : ""}`}
      data-testid={`add-after-${source}${handle ? `-${handle}` : ""}`}
      onClick={(e) => {
        e.stopPropagation();
        quickAdd.open(source, handle, e.currentTarget);
      }}
    >
      +
    </button>
  );
}

/** Under the card: "attempt 2 of 3", and while a retry waits, the countdown to it. */
function AttemptLine({ attempt, maxAttempts, nextAttemptAt }: { attempt: number; maxAttempts: number; nextAttemptAt?: string | null }) {
  const now = useNow(!!nextAttemptAt);
  const left = nextAttemptAt ? Math.max(0, Math.ceil((new Date(nextAttemptAt).getTime() - now) / 1000)) : null;
  return (
    <span className="absolute -bottom-5 left-1 text-xs whitespace-nowrap text-zinc-600" data-testid="node-attempt">
      attempt {attempt}
      {maxAttempts ? ` of ${maxAttempts}` : ""}
      {left !== null ? <span className="font-medium text-amber-700"> · retry in {left} s</span> : null}
    </span>
  );
}

/** A for-each step's items: a bar along the bottom of the card, and the count under it. */
export function ProgressBar({ progress, className }: { progress: StepProgress; className?: string }) {
  const label = progressLabel(progress);
  return (
    <>
      <span className={cx("absolute inset-x-0 bottom-0 h-1 overflow-hidden rounded-b-lg bg-zinc-100", className)} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress.percent} aria-label={label}>
        <span className={cx("block h-full", progress.failed ? "bg-amber-500" : "bg-sky-500")} style={{ width: `${progress.percent}%` }} />
      </span>
      <span className="absolute -bottom-5 left-1 max-w-[260px] truncate text-xs whitespace-nowrap text-zinc-600" data-testid="node-progress" title={label}>
        {label}
      </span>
    </>
  );
}

export const StepNode = memo(StepNodeView);

/** Defined once at module scope, as React Flow expects. */
export const nodeTypes = { step: StepNode };
