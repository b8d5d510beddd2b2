"use client";
// The side panel: the selected step's name, config (a form generated from its schema), retry
// policy and timeout, with the template paths it may use; with nothing selected, the problems.
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { credentialsQuery } from "#lib/client/queries.ts";
import { stepDefinition } from "#lib/steps/index.ts";
import { fieldsFor, fieldText, parseFieldText, type FieldSpec } from "#lib/canvas/form.ts";
import { ancestors, COMPENSATION_HANDLE, isBodyFlowEdge, isCompensationFlowEdge, isOutOfFlowEdge, undoneBy, type FlowEdge, type FlowNode, type StepNodeData } from "#lib/canvas/mapping.ts";
import { NODE_ID, retryPolicySchema } from "#lib/workflow/definition.ts";
import { isError, type DefinitionProblem } from "#lib/workflow/validate.ts";
import { problemLine } from "#lib/messages.ts";
import { connectionRefusal } from "#lib/canvas/connections.ts";
import { cx } from "#lib/client/cx.ts";
import { toDefinition } from "#lib/canvas/mapping.ts";
import { ConfigForm } from "./config-form.tsx";
import { StepTestPanel } from "./testing/step-test-panel.tsx";
import { useSamples, type SampleState } from "./testing/use-samples.ts";
import { usePreviews } from "./testing/use-previews.ts";
import { useQuickAdd } from "./quick-add.ts";
import { StepIcon, categoryTone } from "./step-icons.tsx";
import { Button } from "../ui/button.tsx";

const retryFields = fieldsFor(retryPolicySchema);
const timeoutField: FieldSpec = { key: "timeoutMs", label: "Step timeout (ms)", description: "An attempt running longer fails and is retried. Default 5 minutes.", kind: "number", required: false, templatable: false, integer: true };

interface Props {
  workflowId: string;
  node: FlowNode | undefined;
  selectedCount: number;
  edges: FlowEdge[];
  problems: DefinitionProblem[];
  /** Step names by id, for problem lines. */
  names: Map<string, string | undefined>;
  readOnly: boolean;
  onChange(id: string, patch: Partial<StepNodeData>): void;
  onRenameId(id: string, to: string): void;
  /** Every step's id: a step may not take one of them. */
  takenIds: string[];
  onDelete(): void;
  onFocusProblem(problem: DefinitionProblem): void;
  /** Every step, for connecting from the keyboard. */
  nodes: FlowNode[];
  onConnect(connection: { source: string; target: string; sourceHandle: string | null }): void;
  onDisconnect(edgeId: string): void;
}

export function Inspector({ workflowId, node, selectedCount, edges, problems, names, readOnly, onChange, onRenameId, takenIds, onDelete, onFocusProblem, nodes, onConnect, onDisconnect }: Props) {
  // One sample for the whole editor: written once, it serves every step's tests and previews.
  const sample = useSamples(workflowId, !readOnly);
  return (
    <aside aria-label="Inspector" className="hidden w-80 shrink-0 flex-col overflow-y-auto border-l border-zinc-200 bg-white md:flex">
      {node ? (
        <NodePanel key={node.id} workflowId={workflowId} sample={sample} nodes={nodes} onConnect={onConnect} onDisconnect={onDisconnect} node={node} edges={edges} problems={problems.filter((p) => p.nodeId === node.id)} readOnly={readOnly} onChange={onChange} onRenameId={onRenameId} takenIds={takenIds} onDelete={onDelete} />
      ) : (
        <div className="p-4">
          <h2 className="text-sm font-semibold text-zinc-900">{selectedCount > 1 ? `${selectedCount} items selected` : "Workflow"}</h2>
          <p className="mt-1 text-sm text-zinc-600">
            {readOnly
              ? "Select a step to see how it is configured."
              : selectedCount > 1
                ? "Delete them, or copy them with Ctrl/⌘ C."
                : "Select a step to configure it. Connect steps by dragging from a right handle to a left one."}
          </p>
          <ProblemsList problems={problems} names={names} onFocus={onFocusProblem} readOnly={readOnly} />
        </div>
      )}
    </aside>
  );
}

export function ProblemsList({ problems, names, onFocus, readOnly }: { problems: DefinitionProblem[]; names: Map<string, string | undefined>; onFocus(p: DefinitionProblem): void; readOnly: boolean }) {
  const errors = problems.filter(isError).length;
  return (
    <section aria-labelledby="problems-heading" className="mt-5">
      <h3 id="problems-heading" className="mb-2 text-xs font-semibold tracking-wide text-zinc-600 uppercase">
        Problems ({errors}){problems.length > errors ? ` · warnings (${problems.length - errors})` : ""}
      </h3>
      {problems.length === 0 ? (
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{readOnly ? "No problems." : "No problems: ready to publish."}</p>
      ) : (
        <ul className="space-y-1.5" data-testid="problems">
          {problems.map((p, i) => {
            const warning = !isError(p);
            return (
              <li key={i}>
                <button
                  type="button"
                  onClick={() => onFocus(p)}
                  data-severity={warning ? "warning" : "error"}
                  className={cx(
                    "w-full rounded-md border px-2.5 py-1.5 text-left text-sm",
                    warning ? "border-amber-200 bg-amber-50 text-amber-900 hover:bg-amber-100" : "border-red-200 bg-red-50 text-red-800 hover:bg-red-100",
                  )}
                >
                  {warning ? <span className="font-semibold">Warning: </span> : null}
                  {problemLine(p, names)}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function NodePanel({
  workflowId,
  sample,
  nodes,
  onConnect,
  onDisconnect,
  node,
  edges,
  problems,
  readOnly,
  onChange,
  onRenameId,
  takenIds,
  onDelete,
}: { workflowId: string; sample: SampleState; node: FlowNode; edges: FlowEdge[]; problems: DefinitionProblem[]; readOnly: boolean } & Pick<Props, "onChange" | "onRenameId" | "takenIds" | "onDelete" | "nodes" | "onConnect" | "onDisconnect">) {
  const definition = stepDefinition(node.data.stepType);
  const previews = usePreviews(workflowId, node.data.stepType, node.data.config, sample, !readOnly && !!definition);
  const asWorkflowNode = useMemo(() => toDefinition([node], []).nodes[0], [node]);
  const fields = useMemo(() => (definition ? fieldsFor(definition.config) : []), [definition]);
  // A step whose work is a script (the Code step): its variables, not templates, are what it reads.
  const scripted = fields.some((f) => f.language === "javascript");
  // Credentials complete as secrets.NAME (their values never reach the browser).
  const credentials = useQuery(credentialsQuery()).data?.credentials;
  const paths = useMemo(
    () => [
      "input",
      ...ancestors(node.id, edges).sort().map((id) => `steps.${id}.output`),
      // A compensation reads the step it undoes, as that step ended.
      ...(undoneBy(edges).has(node.id) ? ["original.output", "original.input", "original.error"] : []),
      // A step run per item reads its item.
      ...(edges.some((e) => isBodyFlowEdge(e) && e.target === node.id) ? ["item", "index"] : []),
      "run.id",
      "run.attempt",
      ...(credentials ?? []).map((c) => `secrets.${c.name}`),
    ],
    [node.id, edges, credentials],
  );
  // Problems of one config field show under it: errors in red, warnings in amber.
  const [errors, warnings, stepProblems] = useMemo(() => {
    const byKey: [Record<string, string[]>, Record<string, string[]>] = [{}, {}];
    const rest: DefinitionProblem[] = [];
    for (const p of problems) {
      const m = /\.config\.([^.]+)/.exec(p.path);
      if (m && fields.some((f) => f.key === m[1])) (byKey[isError(p) ? 0 : 1][m[1]] ??= []).push(p.message);
      else rest.push(p);
    }
    return [...byKey, rest] as const;
  }, [problems, fields]);
  const [idDraft, setIdDraft] = useState(node.id);
  const idError = !NODE_ID.test(idDraft)
    ? "An id starts with a letter or _ and holds only letters, digits and _ (at most 64)."
    : idDraft !== node.id && takenIds.includes(idDraft)
      ? `Another step already has the id “${idDraft}”; choose another.`
      : null;
  const [copied, setCopied] = useState<string | null>(null);

  return (
    <div className="p-4">
      <div className="flex items-start gap-2.5">
        <span className={cx("flex size-8 shrink-0 items-center justify-center rounded-md", categoryTone[definition?.category ?? "data"])}>
          <StepIcon name={definition?.icon ?? "shuffle"} />
        </span>
        <div className="min-w-0">
          <h2 className="text-sm font-semibold text-zinc-900">{definition?.label ?? `Unknown step type "${node.data.stepType}"`}</h2>
          <p className="text-xs text-zinc-500">{definition?.description}</p>
        </div>
      </div>

      {/* Problems of the step as a whole; a config field's own problems show under the field. */}
      {stepProblems.length ? (
        <ul className="mt-3 space-y-1 rounded-md border border-zinc-200 p-2 text-sm" aria-label="Problems of this step">
          {stepProblems.map((p, i) => (
            <li key={i} className={isError(p) ? "text-red-700" : "text-amber-800"}>
              {isError(p) ? null : <span className="font-semibold">Warning: </span>}
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}

      <div className="mt-4 space-y-3">
        <div className="space-y-1">
          <label htmlFor="node-name" className="block text-sm font-medium text-zinc-800">
            Name
          </label>
          <input
            id="node-name"
            className="block w-full rounded-md border border-zinc-300 px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 focus:outline-none disabled:bg-zinc-50"
            value={node.data.name ?? ""}
            placeholder={node.id}
            disabled={readOnly}
            onChange={(e) => onChange(node.id, { name: e.target.value || undefined })}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="node-id" className="block text-sm font-medium text-zinc-800">
            Id <span className="font-normal text-zinc-500">(used in templates)</span>
          </label>
          <input
            id="node-id"
            className="block w-full rounded-md border border-zinc-300 px-2.5 py-1.5 font-mono text-[13px] shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 focus:outline-none disabled:bg-zinc-50 aria-invalid:border-red-500"
            value={idDraft}
            disabled={readOnly}
            aria-invalid={!!idError || undefined}
            aria-describedby={idError ? "node-id-error" : undefined}
            onChange={(e) => setIdDraft(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()}
            // A refused id stays in the field with its reason, until it is changed.
            onBlur={() => !idError && idDraft !== node.id && onRenameId(node.id, idDraft)}
          />
          {idError ? (
            <p id="node-id-error" role="alert" className="text-xs text-red-600">
              {idError}
            </p>
          ) : null}
        </div>
      </div>

      <h3 className="mt-6 mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Configuration</h3>
      <ConfigForm fields={fields} value={node.data.config} onChange={(config) => onChange(node.id, { config })} readOnly={readOnly} paths={paths} errors={errors} warnings={warnings} previews={previews} />

      {scripted ? (
        // A script reads plain variables (no templates, and no secrets).
        <div className="mt-4 rounded-md bg-zinc-50 p-2.5" data-testid="script-variables">
          <p className="text-xs font-medium text-zinc-700">The script can read</p>
          <div className="mt-1.5 flex flex-wrap gap-1">
            {paths
              .filter((p) => !p.startsWith("secrets."))
              .map((p) => (
                <code key={p} className="rounded bg-white px-1.5 py-0.5 font-mono text-[11px] text-indigo-700 ring-1 ring-zinc-200">
                  {p}
                </code>
              ))}
          </div>
          <p className="mt-1 text-[11px] text-zinc-500">As plain data (JSON). Credentials are not given to scripts.</p>
        </div>
      ) : (
        <div className="mt-4 rounded-md bg-zinc-50 p-2.5">
          <p className="text-xs font-medium text-zinc-700">Templates here can use</p>
          <div className="mt-1.5 flex flex-wrap gap-1">
            {paths.map((p) => (
              <button
                key={p}
                type="button"
                className="rounded bg-white px-1.5 py-0.5 font-mono text-[11px] text-indigo-700 ring-1 ring-zinc-200 hover:bg-indigo-50"
                title="Copy as a template"
                onClick={() => void navigator.clipboard?.writeText(`{{ ${p} }}`).then(() => setCopied(p))}
              >
                {`{{ ${p} }}`}
              </button>
            ))}
          </div>
          {copied ? <p className="mt-1 text-[11px] text-zinc-500">Copied {`{{ ${copied} }}`}</p> : null}
        </div>
      )}

      {definition && definition.outputs.length > 0 ? <NextSteps node={node} nodes={nodes} edges={edges} readOnly={readOnly} onConnect={onConnect} onDisconnect={onDisconnect} /> : null}

      {definition && !definition.entry && !definition.exit ? <Compensation node={node} nodes={nodes} edges={edges} readOnly={readOnly} onChange={onChange} onConnect={onConnect} onDisconnect={onDisconnect} /> : null}

      {!readOnly && definition ? <StepTestPanel workflowId={workflowId} node={asWorkflowNode} sample={sample} /> : null}

      {!definition?.entry ? (
        <>
          <h3 className="mt-6 mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Retries, timeout and limits</h3>
          <ConfigForm
            fields={retryFields}
            value={(node.data.retry ?? {}) as Record<string, unknown>}
            onChange={(retry) => onChange(node.id, { retry: Object.keys(retry).length ? retry : undefined })}
            readOnly={readOnly}
            errors={Object.fromEntries(problems.filter((p) => /\.retry\./.test(p.path)).map((p) => [p.path.split(".").at(-1)!, [p.message]]))}
          />
          <div className="mt-4 space-y-1">
            <label htmlFor="node-timeout" className="block text-sm font-medium text-zinc-800">
              {timeoutField.label}
            </label>
            <input
              id="node-timeout"
              inputMode="numeric"
              className="block w-full rounded-md border border-zinc-300 px-2.5 py-1.5 text-sm shadow-sm disabled:bg-zinc-50"
              disabled={readOnly}
              value={fieldText(node.data.timeoutMs)}
              placeholder="300000"
              onChange={(e) => {
                const v = parseFieldText(timeoutField, e.target.value);
                onChange(node.id, { timeoutMs: typeof v === "number" ? v : undefined });
              }}
            />
            <p className="text-xs text-zinc-500">{timeoutField.description}</p>
          </div>
          <div className="mt-4 grid grid-cols-[5rem_1fr] items-end gap-2">
            <div className="space-y-1">
              <label htmlFor="node-concurrency-limit" className="block text-sm font-medium text-zinc-800">
                At most
              </label>
              <input
                id="node-concurrency-limit"
                inputMode="numeric"
                className="block w-full rounded-md border border-zinc-300 px-2.5 py-1.5 text-sm shadow-sm disabled:bg-zinc-50"
                disabled={readOnly}
                placeholder="∞"
                value={node.data.concurrency?.limit ?? ""}
                onChange={(e) => {
                  const limit = Number.parseInt(e.target.value, 10);
                  onChange(node.id, { concurrency: Number.isInteger(limit) && limit > 0 ? { ...node.data.concurrency, limit } : undefined });
                }}
              />
            </div>
            <div className="space-y-1">
              <label htmlFor="node-concurrency-key" className="block text-sm font-medium text-zinc-800">
                running at once, per
              </label>
              <input
                id="node-concurrency-key"
                className="block w-full rounded-md border border-zinc-300 px-2.5 py-1.5 font-mono text-[13px] shadow-sm disabled:bg-zinc-50"
                disabled={readOnly || !node.data.concurrency}
                placeholder="{{ input.customerId }} (empty: in all)"
                value={node.data.concurrency?.key ?? ""}
                onChange={(e) => node.data.concurrency && onChange(node.id, { concurrency: { limit: node.data.concurrency.limit, ...(e.target.value ? { key: e.target.value } : {}) } })}
              />
            </div>
            <p className="col-span-2 text-xs text-zinc-500">Across all runs and workers. A step over the limit waits its turn, queued, holding no worker.</p>
          </div>
          <div className="mt-4 space-y-1">
            <label htmlFor="node-dependency" className="block text-sm font-medium text-zinc-800">
              Dependency
            </label>
            <input
              id="node-dependency"
              className="block w-full rounded-md border border-zinc-300 px-2.5 py-1.5 font-mono text-[13px] shadow-sm disabled:bg-zinc-50"
              disabled={readOnly}
              value={node.data.dependency ?? ""}
              placeholder={definition?.dependencyOf ? "its URL's host" : "none"}
              onChange={(e) => onChange(node.id, { dependency: e.target.value || undefined })}
            />
            <p className="text-xs text-zinc-500">
              A name for what this step calls, shared across workflows (e.g. payments-api). Its circuit breaker, on the{" "}
              <a href="/dependencies" className="text-indigo-700 underline">
                Dependencies
              </a>{" "}
              page, holds the step while it is open.
            </p>
          </div>
        </>
      ) : null}

      {!readOnly ? (
        <Button variant="secondary" size="sm" className="mt-6 w-full text-red-700" onClick={onDelete}>
          Delete step
        </Button>
      ) : null}
    </div>
  );
}

/** Where the step leads, and connecting it from the keyboard: choose an output and a step. */
function NextSteps({ node, nodes, edges, readOnly, onConnect, onDisconnect }: { node: FlowNode; edges: FlowEdge[]; readOnly: boolean } & Pick<Props, "nodes" | "onConnect" | "onDisconnect">) {
  const outputs = stepDefinition(node.data.stepType)?.outputs ?? [];
  const branching = outputs.length > 1;
  const [handle, setHandle] = useState<string>(outputs[0] ?? "");
  const [target, setTarget] = useState("");
  const quickAdd = useQuickAdd();
  const nameOf = (id: string) => nodes.find((n) => n.id === id)?.data.name || id;
  const out = edges.filter((e) => e.source === node.id && !isOutOfFlowEdge(e));
  const proposal = { source: node.id, target: target || null, sourceHandle: branching ? handle : null };
  const refusal = target ? connectionRefusal(proposal, nodes, edges) : null;
  const candidates = nodes.filter((n) => n.id !== node.id && stepDefinition(n.data.stepType)?.acceptsInput !== false);
  return (
    <section aria-labelledby="next-heading" className="mt-6">
      <h3 id="next-heading" className="mb-2 text-xs font-semibold tracking-wide text-zinc-600 uppercase">
        Next steps
      </h3>
      {out.length === 0 ? <p className="text-sm text-zinc-600">Nothing follows this step yet.</p> : null}
      <ul className="space-y-1" aria-label="Connections from this step">
        {out.map((e) => (
          <li key={e.id} className="flex items-center justify-between gap-2 rounded-md border border-zinc-200 px-2 py-1 text-sm">
            <span className="min-w-0 truncate">
              {e.sourceHandle ? <span className="mr-1 rounded bg-zinc-100 px-1 font-mono text-xs text-zinc-700">{e.sourceHandle}</span> : null}→ {nameOf(e.target)}
            </span>
            {!readOnly ? (
              <button type="button" className="shrink-0 text-xs text-red-700 hover:underline" onClick={() => onDisconnect(e.id)} aria-label={`Remove the connection to ${nameOf(e.target)}`}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {!readOnly ? (
        <form
          className="mt-2 space-y-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            if (!target || refusal) return;
            onConnect({ source: node.id, target, sourceHandle: branching ? handle : null });
            setTarget("");
          }}
        >
          <div className="flex gap-1.5">
            {branching ? (
              <select aria-label="From output" value={handle} onChange={(e) => setHandle(e.target.value)} className="rounded-md border border-zinc-300 px-1.5 py-1 text-sm">
                {outputs.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : null}
            <StepSelect label="Connect to step" placeholder="Connect to…" value={target} onChange={setTarget} steps={candidates} describedBy={refusal ? "connect-refusal" : undefined} />
            <Button type="submit" size="sm" variant="secondary" disabled={!target || !!refusal}>
              Connect
            </Button>
          </div>
          {refusal ? (
            <p id="connect-refusal" role="alert" className="text-xs text-red-700">
              {refusal}
            </p>
          ) : null}
          {quickAdd ? (
            <Button size="sm" variant="ghost" className="px-1 text-indigo-700" onClick={(e) => quickAdd.open(node.id, branching ? handle : null, e.currentTarget)}>
              + Add a new step after this one
            </Button>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

/** Sagas, from the keyboard as well as by drawing: which step undoes this one when a run fails,
 * whether even a failed attempt is undone; or, for a step that undoes another, which. */
function Compensation({ node, nodes, edges, readOnly, onChange, onConnect, onDisconnect }: { node: FlowNode; edges: FlowEdge[]; readOnly: boolean } & Pick<Props, "nodes" | "onChange" | "onConnect" | "onDisconnect">) {
  const [target, setTarget] = useState("");
  const nameOf = (id: string) => nodes.find((n) => n.id === id)?.data.name || id;
  const undoes = edges.find((e) => isCompensationFlowEdge(e) && e.target === node.id);
  const undoneByEdge = edges.find((e) => isCompensationFlowEdge(e) && e.source === node.id);
  const proposal = { source: node.id, target: target || null, sourceHandle: COMPENSATION_HANDLE };
  const refusal = target ? connectionRefusal(proposal, nodes, edges) : null;
  const candidates = nodes.filter((n) => n.id !== node.id && connectionRefusal({ ...proposal, target: n.id }, nodes, edges) === null);
  return (
    <section aria-labelledby="compensation-heading" className="mt-6" data-testid="compensation-section">
      <h3 id="compensation-heading" className="mb-2 text-xs font-semibold tracking-wide text-zinc-600 uppercase">
        Compensation
      </h3>
      {undoes ? (
        <div className="rounded-md border border-amber-200 bg-amber-50 p-2 text-sm text-amber-950">
          Undoes <strong>{nameOf(undoes.source)}</strong>. It runs only when a run fails after {nameOf(undoes.source)} completed, and reads what that step did as{" "}
          <code className="font-mono text-xs">original.input</code> and <code className="font-mono text-xs">original.output</code>.
          {!readOnly ? (
            <button type="button" className="ml-1 text-xs text-red-700 hover:underline" onClick={() => onDisconnect(undoes.id)}>
              Stop undoing it
            </button>
          ) : null}
        </div>
      ) : undoneByEdge ? (
        <div className="space-y-2">
          <p className="flex items-center justify-between gap-2 rounded-md border border-amber-200 bg-amber-50 px-2 py-1 text-sm text-amber-950">
            <span>
              Undone by <strong>{nameOf(undoneByEdge.target)}</strong> when a run fails.
            </span>
            {!readOnly ? (
              <button type="button" className="shrink-0 text-xs text-red-700 hover:underline" onClick={() => onDisconnect(undoneByEdge.id)} aria-label={`Remove the compensation ${nameOf(undoneByEdge.target)}`}>
                Remove
              </button>
            ) : null}
          </p>
          <label className="flex items-start gap-2 text-sm text-zinc-800">
            <input
              type="checkbox"
              className="mt-0.5"
              checked={!!node.data.compensateIfFailed}
              disabled={readOnly}
              onChange={(e) => onChange(node.id, { compensateIfFailed: e.target.checked || undefined })}
            />
            <span>
              Undo even if this step failed
              <span className="block text-xs text-zinc-500">Its side effect may have half happened: once it has started, its undo runs whatever its outcome.</span>
            </span>
          </label>
        </div>
      ) : (
        <>
          <p className="text-sm text-zinc-600">Nothing undoes this step. Drag from the amber handle below the step to the step that undoes it, or choose one:</p>
          {!readOnly ? (
            <form
              className="mt-2 flex gap-1.5"
              onSubmit={(e) => {
                e.preventDefault();
                if (!target || refusal) return;
                onConnect({ source: node.id, target, sourceHandle: COMPENSATION_HANDLE });
                setTarget("");
              }}
            >
              <StepSelect label="Undo with step" placeholder="Undo with…" value={target} onChange={setTarget} steps={candidates} />
              <Button type="submit" size="sm" variant="secondary" disabled={!target || !!refusal}>
                Set
              </Button>
            </form>
          ) : null}
          {refusal ? (
            <p role="alert" className="mt-1 text-xs text-red-700">
              {refusal}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

/** A choice of steps by name, for connecting from the keyboard. */
function StepSelect({ label, placeholder, value, onChange, steps, describedBy }: { label: string; placeholder: string; value: string; onChange(id: string): void; steps: FlowNode[]; describedBy?: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} className="min-w-0 flex-1 rounded-md border border-zinc-300 px-1.5 py-1 text-sm" aria-describedby={describedBy}>
      <option value="">{placeholder}</option>
      {steps.map((n) => (
        <option key={n.id} value={n.id}>
          {n.data.name || n.id}
        </option>
      ))}
    </select>
  );
}
