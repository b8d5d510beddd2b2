"use client";
// The workflow editor: palette, canvas, inspector; live validation with the API's validator;
// autosave with conflict detection; undo/redo, copy/paste, auto-layout; publish, versions, run.
import "@xyflow/react/dist/style.css";
import Link from "next/link";
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { ReactFlow, ReactFlowProvider, useReactFlow, type Connection, type Edge, type IsValidConnection } from "@xyflow/react";
import { useQueryClient } from "@tanstack/react-query";
import { stepDefinition } from "#lib/steps/index.ts";
import { toDefinition, type FlowEdge, type FlowNode } from "#lib/canvas/mapping.ts";
import { exportFile } from "#lib/canvas/file-format.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "#lib/canvas/layout.ts";
import { validateDefinition, type DefinitionProblem } from "#lib/workflow/validate.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { api, ApiProblem } from "#lib/client/api.ts";
import { cx } from "#lib/client/cx.ts";
import { nodeTypes } from "./step-node.tsx";
import { CanvasChrome, canvasProps } from "./canvas-chrome.tsx";
import { downloadJson } from "#lib/client/download.ts";
import { Palette, STEP_MIME } from "./palette.tsx";
import { Inspector } from "./inspector.tsx";
import { useEditorState } from "./use-editor-state.ts";
import { useAutosave, type SaveStatus } from "./use-autosave.ts";
import { PublishDialog } from "./dialogs/publish-dialog.tsx";
import { VersionsDialog, type VersionSummary } from "./dialogs/versions-dialog.tsx";
import { RunDialog } from "./dialogs/run-dialog.tsx";
import { Button } from "../ui/button.tsx";

export interface EditableWorkflow {
  id: string;
  name: string;
  description: string;
  draft: Definition;
  draftRevision: number;
  activeVersion: number | null;
  versions: VersionSummary[];
}

interface Props {
  workflow: EditableWorkflow;
  canEdit: boolean;
  canRun: boolean;
}

export function WorkflowEditor(props: Props) {
  return (
    <ReactFlowProvider>
      <EditorInner {...props} />
    </ReactFlowProvider>
  );
}

const saveLabels: Record<SaveStatus, string> = {
  saved: "All changes saved",
  unsaved: "Unsaved changes",
  saving: "Saving…",
  error: "Could not save; retrying",
  conflict: "Changed elsewhere",
};

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

function EditorInner({ workflow, canEdit, canRun }: Props) {
  const readOnly = !canEdit;
  const queryClient = useQueryClient();
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const canvas = useRef<HTMLDivElement>(null);
  const clipboard = useRef<{ nodes: FlowNode[]; edges: FlowEdge[] }>({ nodes: [], edges: [] });
  const { state, dispatch, copy, paste, canUndo, canRedo } = useEditorState(workflow.draft);
  const definition = useMemo(() => toDefinition(state.nodes, state.edges), [state.nodes, state.edges]);
  // Validation may lag a keystroke behind on a large workflow rather than slow the typing.
  const deferred = useDeferredValue(definition);
  const validation = useMemo(() => validateDefinition(deferred), [deferred]);
  // Problems the server reported on publish, shown until the next edit.
  const [serverProblems, setServerProblems] = useState<{ at: number; problems: DefinitionProblem[] } | null>(null);
  const problems = serverProblems && serverProblems.at === state.version ? serverProblems.problems : validation.problems;
  const autosave = useAutosave({ workflowId: workflow.id, definition, version: state.version, revision: workflow.draftRevision, enabled: canEdit });

  const [name, setName] = useState(workflow.name);
  const [activeVersion, setActiveVersion] = useState(workflow.activeVersion);
  const [versions, setVersions] = useState(workflow.versions);
  const [dialog, setDialog] = useState<"publish" | "versions" | "run" | null>(null);
  const [publishError, setPublishError] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const problemsByNode = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const p of problems) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), `${p.path.replace(/^nodes\.\d+\.?/, "") || "step"}: ${p.message}`]);
    return map;
  }, [problems]);
  const badEdges = useMemo(() => new Set(problems.flatMap((p) => (p.edgeId ? [p.edgeId] : []))), [problems]);

  const nodes = useMemo(
    () =>
      state.nodes.map((n) => ({
        ...n,
        ariaLabel: `${n.data.name || n.id}, ${stepDefinition(n.data.stepType)?.label ?? n.data.stepType} step${problemsByNode.has(n.id) ? `, ${problemsByNode.get(n.id)!.length} problems` : ""}`,
        data: { ...n.data, problems: problemsByNode.get(n.id) },
      })),
    [state.nodes, problemsByNode],
  );
  const edges = useMemo(
    () =>
      state.edges.map((e): Edge => ({
        ...e,
        ariaLabel: `Edge from ${e.source}${e.sourceHandle ? ` (${e.sourceHandle})` : ""} to ${e.target}`,
        style: badEdges.has(e.id) ? { stroke: "#dc2626", strokeWidth: 2 } : e.selected ? { stroke: "#4f46e5", strokeWidth: 2 } : { stroke: "#a1a1aa", strokeWidth: 1.5 },
        label: e.sourceHandle,
        labelStyle: { fontSize: 10, fill: "#71717a" },
        labelBgStyle: { fill: "#fafafa" },
      })),
    [state.edges, badEdges],
  );
  const selected = state.nodes.filter((n) => n.selected);

  const isValidConnection: IsValidConnection = useCallback(
    (c) => {
      if (!c.source || !c.target || c.source === c.target) return false;
      const target = state.nodes.find((n) => n.id === c.target);
      if (target && stepDefinition(target.data.stepType)?.acceptsInput === false) return false;
      // No cycles: the target must not already lead back to the source.
      const out = new Map<string, string[]>();
      for (const e of state.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
      const stack = [c.target];
      const seen = new Set<string>();
      while (stack.length) {
        const id = stack.pop()!;
        if (id === c.source) return false;
        if (seen.has(id)) continue;
        seen.add(id);
        stack.push(...(out.get(id) ?? []));
      }
      return true;
    },
    [state.nodes, state.edges],
  );

  const addNode = useCallback(
    (type: string, at?: { x: number; y: number }) => {
      const definitionOf = stepDefinition(type);
      if (!definitionOf) return;
      let position = at;
      if (!position) {
        const box = canvas.current?.getBoundingClientRect();
        position = rf.screenToFlowPosition({ x: (box?.left ?? 0) + (box?.width ?? 800) / 2, y: (box?.top ?? 0) + (box?.height ?? 600) / 2 });
      }
      dispatch({ type: "add", stepType: type, position: { x: Math.round(position.x - NODE_WIDTH / 2), y: Math.round(position.y - NODE_HEIGHT / 2) }, config: definitionOf.defaultConfig as Record<string, unknown> });
    },
    [dispatch, rf],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(STEP_MIME);
      if (!type || readOnly) return;
      e.preventDefault();
      addNode(type, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [addNode, readOnly, rf],
  );

  const focusProblem = useCallback(
    (p: DefinitionProblem) => {
      const id = p.nodeId ?? (p.edgeId ? state.edges.find((e) => e.id === p.edgeId)?.source : undefined);
      if (!id) return;
      dispatch({ type: "select", ids: [id] });
      void rf.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2 });
    },
    [dispatch, rf, state.edges],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.metaKey || e.ctrlKey;
      const key = e.key.toLowerCase();
      if (mod && key === "z" && !readOnly) {
        e.preventDefault();
        dispatch({ type: e.shiftKey ? "redo" : "undo" });
      } else if (mod && key === "y" && !readOnly) {
        e.preventDefault();
        dispatch({ type: "redo" });
      } else if (mod && key === "c") {
        clipboard.current = copy();
      } else if (mod && key === "v" && !readOnly) {
        e.preventDefault();
        paste(clipboard.current);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [copy, paste, dispatch, readOnly]);

  const publish = async (note: string) => {
    setPublishing(true);
    setPublishError(null);
    try {
      await autosave.flush();
      const res = await api<{ version: VersionSummary }>(`/workflows/${workflow.id}/versions`, { body: note ? { note } : {} });
      setVersions((v) => [res.version, ...v]);
      setActiveVersion(res.version.number);
      setDialog(null);
      setNotice(`Published version ${res.version.number}`);
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 422) {
        setServerProblems({ at: state.version, problems: e.errors as DefinitionProblem[] });
        setPublishError(`${e.message} They are marked on the steps.`);
      } else setPublishError(e instanceof Error ? e.message : String(e));
    } finally {
      setPublishing(false);
    }
  };

  const loadTheirs = async () => {
    const fresh = await api<{ draft: Definition; draftRevision: number }>(`/workflows/${workflow.id}`);
    dispatch({ type: "replace", definition: fresh.draft });
    autosave.adopt(fresh.draftRevision, state.version + 1);
  };

  const exportJson = () => downloadJson(name, exportFile({ name, description: workflow.description }, definition));

  const rename = async (next: string) => {
    if (!next.trim() || next === workflow.name) return;
    await api(`/workflows/${workflow.id}`, { method: "PATCH", body: { name: next.trim() } });
    void queryClient.invalidateQueries({ queryKey: ["workflows"] });
  };

  const publishBlocker = !canEdit ? "Your role cannot publish." : problems.length ? `Fix ${problems.length} problem${problems.length > 1 ? "s" : ""} to publish.` : autosave.status === "conflict" ? "Resolve the conflict first." : null;

  return (
    <div className="-mx-8 -my-7 flex h-screen flex-col bg-zinc-50">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white px-4">
        <Link href="/workflows" className="text-sm text-zinc-500 hover:text-zinc-900">
          Workflows /
        </Link>
        <input
          aria-label="Workflow name"
          value={name}
          disabled={readOnly}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => void rename(name)}
          className="min-w-0 flex-1 rounded px-1 text-base font-semibold text-zinc-900 hover:bg-zinc-50 focus:bg-white disabled:bg-transparent"
        />
        {canEdit ? (
          <span data-testid="save-status" data-status={autosave.status} className={cx("text-xs", autosave.status === "error" || autosave.status === "conflict" ? "text-red-600" : "text-zinc-500")}>
            {saveLabels[autosave.status]}
          </span>
        ) : (
          <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-600">Read-only</span>
        )}
        {notice ? <span role="status" className="text-xs text-emerald-700">{notice}</span> : null}
        <div className="flex items-center gap-1">
          {canEdit ? (
            <>
              <Button variant="ghost" size="sm" onClick={() => dispatch({ type: "undo" })} disabled={!canUndo} aria-label="Undo" title="Undo (Ctrl/⌘ Z)">Undo</Button>
              <Button variant="ghost" size="sm" onClick={() => dispatch({ type: "redo" })} disabled={!canRedo} aria-label="Redo" title="Redo (Ctrl/⌘ Shift Z)">Redo</Button>
              <Button variant="ghost" size="sm" onClick={() => { dispatch({ type: "layout" }); setTimeout(() => void rf.fitView({ duration: 300 }), 50); }}>Auto-layout</Button>
            </>
          ) : null}
          <Button variant="ghost" size="sm" onClick={exportJson}>Export</Button>
          <Button variant="secondary" size="sm" onClick={() => setDialog("versions")}>
            Versions{activeVersion ? ` (v${activeVersion})` : ""}
          </Button>
          {canRun ? (
            <Button variant="secondary" size="sm" onClick={() => setDialog("run")} disabled={activeVersion === null} title={activeVersion === null ? "Publish a version first" : undefined}>
              Run
            </Button>
          ) : null}
          {canEdit ? (
            <span title={publishBlocker ?? undefined}>
              <Button size="sm" onClick={() => { setPublishError(null); setDialog("publish"); }} disabled={!!publishBlocker} aria-describedby={publishBlocker ? "publish-blocker" : undefined}>
                Publish
              </Button>
            </span>
          ) : null}
        </div>
      </header>
      {publishBlocker && canEdit ? (
        <p id="publish-blocker" className="sr-only">{publishBlocker}</p>
      ) : null}
      {autosave.status === "conflict" ? (
        <div role="alert" className="flex items-center gap-3 border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          <span className="flex-1">This workflow was saved in another tab or by someone else since you opened it. Your latest changes are not saved.</span>
          <Button size="sm" variant="secondary" onClick={() => void loadTheirs()}>Load their version</Button>
          <Button size="sm" variant="danger" onClick={() => void autosave.overwrite()}>Keep mine</Button>
        </div>
      ) : null}
      <div className="flex min-h-0 flex-1">
        {canEdit ? <Palette onAdd={(t) => addNode(t)} hasStart={state.nodes.some((n) => n.data.stepType === "start")} /> : null}
        <div ref={canvas} className="relative min-w-0 flex-1" onDragOver={(e) => { if (!readOnly) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; } }} onDrop={onDrop} data-testid="canvas">
          <ReactFlow<FlowNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={(changes) => dispatch({ type: "nodes", changes })}
            onEdgesChange={(changes) => dispatch({ type: "edges", changes: changes as never })}
            onConnect={(connection: Connection) => dispatch({ type: "connect", connection })}
            isValidConnection={isValidConnection}
            nodesDraggable={canEdit}
            nodesConnectable={canEdit}
            deleteKeyCode={canEdit ? ["Backspace", "Delete"] : null}
            onBeforeDelete={async ({ nodes: n, edges: e }) => {
              // One undoable change for the steps and edges deleted together (React Flow would
              // report them as two).
              dispatch({ type: "delete", nodeIds: n.map((x) => x.id), edgeIds: e.map((x) => x.id) });
              return false;
            }}
            {...canvasProps}
          >
            <CanvasChrome />
          </ReactFlow>
        </div>
        <Inspector
          node={selected.length === 1 ? selected[0] : undefined}
          selectedCount={selected.length + state.edges.filter((e) => e.selected).length}
          edges={state.edges}
          problems={problems}
          readOnly={readOnly}
          onChange={(id, patch) => dispatch({ type: "update", id, patch })}
          onRenameId={(id, to) => dispatch({ type: "rename-id", id, to })}
          onDelete={() => dispatch({ type: "delete-selection" })}
          onFocusProblem={focusProblem}
        />
      </div>
      <PublishDialog open={dialog === "publish"} onOpenChange={(o) => setDialog(o ? "publish" : null)} onPublish={(note) => void publish(note)} pending={publishing} error={publishError} />
      <VersionsDialog open={dialog === "versions"} onOpenChange={(o) => setDialog(o ? "versions" : null)} workflowId={workflow.id} versions={versions} active={activeVersion} />
      <RunDialog open={dialog === "run"} onOpenChange={(o) => setDialog(o ? "run" : null)} workflowId={workflow.id} activeVersion={activeVersion} />
    </div>
  );
}
