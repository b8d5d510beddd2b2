"use client";
// Operator commands on a run and its steps. A button appears for each command the run's and
// step's states allow (lib/engine/states.ts, the rule the engine enforces); each asks for
// confirmation saying what will happen. Without the runs.operate permission the buttons are
// disabled and say why.
import { useMemo, useState } from "react";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { runKey } from "#lib/client/queries.ts";
import { rolesWith } from "#lib/auth/permissions.ts";
import { canCancelRun, canCompensateRun, canResumeRun, canRetryStep, canSkipStep, type StepStatus } from "#lib/engine/states.ts";
import { compensationOrderOf, compensationPlan } from "#lib/engine/compensation-plan.ts";
import { buildGraph } from "#lib/workflow/graph.ts";
import { retryPolicy } from "#lib/engine/retry.ts";
import { stepDefinition } from "#lib/steps/index.ts";
import { stepName } from "#lib/messages.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import type { RunView, StepView } from "#lib/runs/live-state.ts";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { CodeEditor } from "../canvas/code-editor.tsx";
import { useCan, useCurrentUser } from "../shell/current-user.tsx";

type Command = "cancel" | "compensate" | "resume" | "rerun" | "retry" | "skip" | "replay";

function useOperator() {
  const allowed = useCan("runs.operate");
  const { role } = useCurrentUser();
  const reason = allowed ? undefined : `Operating runs needs the runs.operate permission (${rolesWith("runs.operate").join(", ")}); you are ${role}.`;
  return { allowed, reason };
}

function CommandButton({ label, onClick, reason, variant = "secondary", testId }: { label: string; onClick(): void; reason?: string; variant?: "secondary" | "danger" | "primary"; testId: string }) {
  return (
    <Button size="sm" variant={variant} onClick={onClick} disabled={!!reason} title={reason} data-testid={testId}>
      {label}
    </Button>
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`The JSON is not valid: ${(e as Error).message}`);
  }
}

export function RunCommands({ run, definition }: { run: RunView; definition: Definition | undefined }) {
  const { allowed, reason } = useOperator();
  // What "fail and compensate" would undo, in order: the plan the engine runs (compensation-plan.ts).
  const graph = useMemo(() => (definition ? buildGraph(definition) : undefined), [definition]);
  const undo = graph && canCompensateRun(run.status) ? compensationPlan(graph, run.steps) : [];
  const nameOf = (id: string) => stepName({ id, name: definition?.nodes.find((n) => n.id === id)?.name });
  const qc = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState<Command | null>(null);
  const [input, setInput] = useState("");
  const status = run.status;
  const done = () => qc.invalidateQueries({ queryKey: runKey(run.id), exact: true });
  const close = (o: boolean) => !o && setOpen(null);

  return (
    <div className="flex flex-wrap items-center gap-2">
      {canCancelRun(status) ? <CommandButton testId="cancel-run" label="Cancel run" variant="danger" reason={reason} onClick={() => setOpen("cancel")} /> : null}
      {undo.length ? <CommandButton testId="compensate-run" label="Fail and compensate" variant="danger" reason={reason} onClick={() => setOpen("compensate")} /> : null}
      {canResumeRun(status) ? <CommandButton testId="resume-run" label="Resume" reason={reason} onClick={() => setOpen("resume")} /> : null}
      <CommandButton
        testId="rerun"
        label="Edit input & re-run"
        reason={reason}
        onClick={() => {
          setInput(JSON.stringify(run.input ?? {}, null, 2));
          setOpen("rerun");
        }}
      />
      {!allowed ? <span className="sr-only">{reason}</span> : null}

      <ConfirmDialog
        open={open === "cancel"}
        onOpenChange={close}
        title="Cancel this run?"
        consequence="Its open steps are cancelled and running ones are told to stop; nothing after them runs. The run can be resumed later."
        confirmLabel="Cancel run"
        danger
        onConfirm={async () => {
          await api(`/runs/${run.id}/cancel`, { method: "POST" });
          await done();
        }}
      />
      <ConfirmDialog
        open={open === "compensate"}
        onOpenChange={close}
        title="Fail this run and undo what it did?"
        consequence={`${run.status === "failed" ? "The run" : "Its open steps are cancelled and the run"} undoes these steps through their compensations, ${graph && compensationOrderOf(graph) === "parallel" ? "all at once" : "in this order"}. This cannot be taken back.`}
        confirmLabel="Fail and compensate"
        danger
        onConfirm={async () => {
          await api(`/runs/${run.id}/compensate`, { method: "POST" });
          await done();
        }}
      >
        <ol className="list-decimal space-y-1 pl-5 text-sm" data-testid="undo-plan">
          {undo.map((u) => (
            <li key={u.compensator}>
              {nameOf(u.compensator)} <span className="text-zinc-500">undoes {nameOf(u.nodeId)}</span>
            </li>
          ))}
        </ol>
      </ConfirmDialog>
      <ConfirmDialog
        open={open === "resume"}
        onOpenChange={close}
        title="Resume this run?"
        consequence={`Its failed steps, and the steps its ${run.status === "cancelled" ? "cancellation" : "failure"} cancelled, are queued again with a fresh attempt budget; the run goes on from there.`}
        confirmLabel="Resume run"
        onConfirm={async () => {
          await api(`/runs/${run.id}/resume`, { method: "POST" });
          await done();
        }}
      />
      <ConfirmDialog
        open={open === "rerun"}
        onOpenChange={close}
        title="Re-run with an edited input"
        consequence={`Starts a new run of version ${run.version} from the start with the input below. This run stays as it is.`}
        confirmLabel="Start new run"
        size="lg"
        onConfirm={async () => {
          const started = await api<{ id: string }>(`/runs/${run.id}/replay`, { body: { fromNodeId: startNodeId(run), input: parseJson(input) } });
          router.push(`/runs/${started.id}`);
        }}
      >
        <CodeEditor label="Run input" value={input} onChange={setInput} minLines={8} />
      </ConfirmDialog>
    </div>
  );
}

/** The start node: the first step of every run. */
const startNodeId = (run: RunView) => run.steps.find((s) => stepDefinition(s.type)?.entry)?.nodeId ?? "start";

export function StepCommands({ run, step, definition }: { run: RunView; step: StepView; definition: Definition | undefined }) {
  const { allowed, reason } = useOperator();
  const qc = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState<Command | null>(null);
  const [output, setOutput] = useState("null");
  const node = definition?.nodes.find((n) => n.id === step.nodeId);
  const branches = stepDefinition(node?.type ?? step.type)?.outputs ?? [];
  const [branch, setBranch] = useState<string>(branches[0] ?? "");
  const budget = retryPolicy(node?.retry).maxAttempts;
  const runStatus = run.status;
  const status = step.status as StepStatus;
  const done = () => qc.invalidateQueries({ queryKey: runKey(run.id), exact: true });
  const close = (o: boolean) => !o && setOpen(null);
  const isStart = !!(stepDefinition(node?.type ?? "")?.entry || stepDefinition(step.type)?.entry);
  const named = stepName({ id: step.nodeId, name: node?.name });
  // While the run undoes what it did, only its compensations are acted on (the engine's rule too).
  const undoing = runStatus === "compensating" || runStatus === "compensation_failed";
  const isUndo = !!definition?.edges.some((e) => e.kind === "compensation" && e.target === step.nodeId);
  const actsHere = !undoing || isUndo;

  const retryConsequence =
    status === "retry_scheduled"
      ? `Attempt ${step.attempt} of ${named} starts now instead of waiting for its backoff, with a fresh budget of ${budget} attempts.`
      : `${named} runs again as attempt ${step.attempt + 1}, with a fresh budget of ${budget} attempts.${run.status === "failed" ? " The run reopens, and the steps its failure cancelled are queued again." : undoing ? " Undoing goes on after it." : ""}`;

  return (
    <div className="flex flex-wrap items-center gap-2" aria-label={`Commands for step ${named}`} role="group">
      {actsHere && canRetryStep(status, runStatus) ? (
        <CommandButton testId="retry-step" variant="primary" label={status === "retry_scheduled" ? "Retry now" : "Retry step"} reason={reason} onClick={() => setOpen("retry")} />
      ) : null}
      {actsHere && canSkipStep(status, runStatus) && !isStart ? (
        <CommandButton
          testId="skip-step"
          label="Skip with output…"
          reason={reason}
          onClick={() => {
            setOutput(JSON.stringify(step.output ?? null, null, 2));
            setOpen("skip");
          }}
        />
      ) : null}
      {!isStart ? <CommandButton testId="replay-step" label="Replay from here" reason={reason} onClick={() => setOpen("replay")} /> : null}
      {!allowed ? <p className="w-full text-xs text-zinc-500">{reason}</p> : null}

      <ConfirmDialog
        open={open === "retry"}
        onOpenChange={close}
        title={`Retry ${named}?`}
        consequence={retryConsequence}
        confirmLabel="Retry"
        onConfirm={async () => {
          await api(`/runs/${run.id}/steps/${encodeURIComponent(step.nodeId)}/retry`, { method: "POST" });
          await done();
        }}
      />
      <ConfirmDialog
        open={open === "skip"}
        onOpenChange={close}
        title={`Skip ${named}?`}
        consequence={
          isUndo
            ? `${named} is marked skipped with the output below (say how it was undone by hand), and undoing goes on with the next step.`
            : `${named} is marked skipped with the output below, and the steps after it run with that output.${status === "running" ? " Its running attempt is told to stop and its result is discarded." : ""}${run.status === "failed" ? " The run reopens." : ""}`
        }
        confirmLabel="Skip step"
        size="lg"
        onConfirm={async () => {
          await api(`/runs/${run.id}/steps/${encodeURIComponent(step.nodeId)}/skip`, { body: { output: parseJson(output), ...(branches.length > 1 ? { branch } : {}) } });
          await done();
        }}
      >
        <div className="space-y-3">
          <CodeEditor label="Output to use" value={output} onChange={setOutput} minLines={6} />
          {branches.length > 1 ? (
            <label className="flex items-center gap-2 text-sm text-zinc-700">
              Branch to take
              <select className="rounded-md border border-zinc-300 px-2 py-1 text-sm" value={branch} onChange={(e) => setBranch(e.target.value)}>
                {branches.map((b) => (
                  <option key={b}>{b}</option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      </ConfirmDialog>
      <ConfirmDialog
        open={open === "replay"}
        onOpenChange={close}
        title={`Replay from ${named}?`}
        consequence={`Starts a new run of version ${run.version} with the same input. Steps before ${named} reuse this run's outputs; ${named} and everything after it run again. This run stays as it is.`}
        confirmLabel="Start replay"
        onConfirm={async () => {
          const started = await api<{ id: string }>(`/runs/${run.id}/replay`, { body: { fromNodeId: step.nodeId } });
          router.push(`/runs/${started.id}`);
        }}
      />
    </div>
  );
}
