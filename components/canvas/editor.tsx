"use client";
// The workflow editor: palette, canvas, inspector; live validation with the API's validator;
// autosave with conflict detection; undo/redo, copy/paste, auto-layout; publish, versions, run.
import "@xyflow/react/dist/style.css";
import Link from "next/link";
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { ReactFlow, ReactFlowProvider, useReactFlow, type Connection, type Edge, type IsValidConnection, type OnConnectEnd } from "@xyflow/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { isEntry, stepDefinition } from "#lib/steps/index.ts";
import { COMPENSATION_HANDLE, outOfFlowData, toDefinition, type FlowEdge, type FlowNode } from "#lib/canvas/mapping.ts";
import { baseEdge } from "./edge-styles.ts";
import { exportFile } from "#lib/canvas/file-format.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "#lib/canvas/layout.ts";
import { connectionRefusal } from "#lib/canvas/connections.ts";
import { placeBeside } from "#lib/canvas/placement.ts";
import { isError, validateDefinition, type DefinitionProblem } from "#lib/workflow/validate.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { api, ApiProblem } from "#lib/client/api.ts";
import { credentialsQuery, eventTypesQuery, flagsQuery, ruleSetsQuery, fetchWorkflow, triggersQuery } from "#lib/client/queries.ts";
import { canonicalJson } from "#lib/workflow/canonical.ts";
import { cx } from "#lib/client/cx.ts";
import { nodeTypes } from "./step-node.tsx";
import { CanvasChrome, canvasProps, READABLE_FIT } from "./canvas-chrome.tsx";
import { downloadJson } from "#lib/client/download.ts";
import { Palette, STEP_MIME } from "./palette.tsx";
import { Inspector } from "./inspector.tsx";
import { useEditorState, type AddLink } from "./use-editor-state.ts";
import { StepPicker, type PickerPlace } from "./step-picker.tsx";
import { QuickAddContext, type QuickAdd } from "./quick-add.ts";
import { useAutosave, type SaveStatus } from "./use-autosave.ts";
import { PublishDialog, type PublishCanary } from "./dialogs/publish-dialog.tsx";
import { VersionsDialog, type VersionSummary } from "./dialogs/versions-dialog.tsx";
import { RunDialog } from "./dialogs/run-dialog.tsx";
import { TriggersDialog } from "../triggers/triggers-dialog.tsx";
import { Button } from "../ui/button.tsx";
import { FullScreen } from "../ui/full-screen.tsx";
import { Toast, type ToastMessage } from "../ui/toast.tsx";

export interface EditableWorkflow {
  id: string;
  name: string;
  description: string;
  draft: Definition;
  draftRevision: number;
  activeVersion: number | null;
  /** The canary rollout running, if one is: its versions and shares. */
  rollout: { versions: { version: number; weight: number }[] } | null;
  /** The latest published version's definition: publishing the same again is refused. */
  latestDefinition: Definition | null;
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
  // A workflow has one entry (start): the palette and the picker offer no second.
  const hasEntry = state.nodes.some((n) => isEntry(n.data.stepType));
  // Validation may lag a keystroke behind on a large workflow rather than slow the typing.
  const deferred = useDeferredValue(definition);
  // Templates may name credentials ({{ secrets.NAME }}): those that exist, as the server checks.
  const credentials = useQuery(credentialsQuery()).data?.credentials;
  const secretNames = useMemo(() => (credentials ? new Set(credentials.map((c) => c.name)) : undefined), [credentials]);
  const eventTypes = useQuery(eventTypesQuery()).data?.eventTypes;
  const eventTypeNames = useMemo(() => (eventTypes ? new Set(eventTypes.map((t) => t.name)) : undefined), [eventTypes]);
  const ruleSets = useQuery(ruleSetsQuery()).data?.ruleSets;
  const ruleSetKeys = useMemo(() => (ruleSets ? new Set(ruleSets.filter((r) => r.activeVersion !== null).map((r) => r.key)) : undefined), [ruleSets]);
  const flags = useQuery(flagsQuery()).data?.flags;
  const flagKeys = useMemo(() => (flags ? new Set(flags.map((f) => f.key)) : undefined), [flags]);
  const validation = useMemo(() => validateDefinition(deferred, { secrets: secretNames, eventTypes: eventTypeNames, ruleSets: ruleSetKeys, flags: flagKeys }), [deferred, secretNames, eventTypeNames, ruleSetKeys, flagKeys]);
  // Problems the server reported on publish, shown until the next edit.
  const [serverProblems, setServerProblems] = useState<{ at: number; problems: DefinitionProblem[] } | null>(null);
  const problems = serverProblems && serverProblems.at === state.version ? serverProblems.problems : validation.problems;
  const autosave = useAutosave({ workflowId: workflow.id, definition, version: state.version, revision: workflow.draftRevision, enabled: canEdit });

  const [name, setName] = useState(workflow.name);
  const [activeVersion, setActiveVersion] = useState(workflow.activeVersion);
  const [rollout, setRollout] = useState(workflow.rollout);
  const [versions, setVersions] = useState(workflow.versions);
  const [published, setPublished] = useState(() => (workflow.latestDefinition ? canonicalJson(workflow.latestDefinition) : null));
  const unchanged = useMemo(() => published !== null && validation.definition !== undefined && canonicalJson(validation.definition) === published, [published, validation.definition]);
  const [dialog, setDialog] = useState<"publish" | "versions" | "run" | "triggers" | null>(null);
  const triggers = useQuery(triggersQuery(workflow.id));
  const [publishError, setPublishError] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const hideToast = useCallback(() => setToast(null), []);
  // Quick add: the picker, where it shows, and where its step goes and joins.
  const [picker, setPicker] = useState<{ place: PickerPlace; topLeft: { x: number; y: number }; link: AddLink } | null>(null);
  const closePicker = useCallback(() => setPicker(null), []);
  const pickerAt = useCallback((client: { x: number; y: number }) => {
    const box = canvas.current!.getBoundingClientRect();
    // Kept inside the canvas, whichever corner it was asked for in.
    return { x: Math.min(Math.max(8, client.x - box.left), box.width - 272), y: Math.min(Math.max(8, client.y - box.top), box.height - 320) };
  }, []);
  // The connection a dragged step would be dropped into, drawn highlighted while it is over it.
  const [dropEdge, setDropEdge] = useState<string | null>(null);

  const errors = useMemo(() => problems.filter(isError), [problems]);
  // A step's badge counts what stops publishing; warnings show in the side panel.
  const problemsByNode = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const p of errors) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p.message]);
    return map;
  }, [errors]);
  const badEdges = useMemo(() => new Set(problems.flatMap((p) => (p.edgeId ? [p.edgeId] : []))), [problems]);
  // A step that undoes another says so on its card.
  const undoneData = useMemo(() => {
    const names = new Map(state.nodes.map((n) => [n.id, n.data.name || n.id]));
    return outOfFlowData(state.edges, (id) => names.get(id) ?? id);
  }, [state.edges, state.nodes]);

  const nodes = useMemo(
    () =>
      state.nodes.map((n) => ({
        ...n,
        ariaLabel: `${n.data.name || n.id}, ${stepDefinition(n.data.stepType)?.label ?? n.data.stepType} step${problemsByNode.has(n.id) ? `, ${problemsByNode.get(n.id)!.length} problems` : ""}`,
        data: { ...n.data, problems: problemsByNode.get(n.id), ...undoneData(n.id) },
      })),
    [state.nodes, problemsByNode, undoneData],
  );
  const edges = useMemo(
    () => {
      const names = new Map(state.nodes.map((n) => [n.id, n.data.name || n.id]));
      return state.edges.map((e): Edge => {
        const base = baseEdge(e, (id) => names.get(id) ?? id);
        const dashed = (base.style as { strokeDasharray?: string }).strokeDasharray;
        return {
          ...e,
          ...base,
          style:
            e.id === dropEdge
              ? { stroke: "#4f46e5", strokeWidth: 3, strokeDasharray: "6 3" }
              : badEdges.has(e.id)
                ? { stroke: "#dc2626", strokeWidth: 2, strokeDasharray: dashed }
                : e.selected
                  ? { stroke: "#4f46e5", strokeWidth: 2, strokeDasharray: dashed }
                  : base.style,
        };
      });
    },
    [state.edges, state.nodes, badEdges, dropEdge],
  );
  const selected = state.nodes.filter((n) => n.selected);
  const names = useMemo(() => new Map(state.nodes.map((n) => [n.id, n.data.name])), [state.nodes]);

  const isValidConnection: IsValidConnection = useCallback((c) => connectionRefusal(c, state.nodes, state.edges) === null, [state.nodes, state.edges]);
  // A drag released over a step that cannot take the connection says why, by the cursor.
  const onConnectEnd: OnConnectEnd = useCallback(
    (event, connection) => {
      const point = "changedTouches" in event ? event.changedTouches[0] : event;
      // Released on empty canvas: pick the step to add there, joined to where the drag began.
      if (!connection.toNode && connection.fromNode && connection.fromHandle?.type === "source" && (event.target as Element | null)?.closest(".react-flow__pane")) {
        const from = connection.fromNode;
        const handle = connection.fromHandle.id ?? null;
        const flow = rf.screenToFlowPosition({ x: point.clientX, y: point.clientY });
        const name = state.nodes.find((n) => n.id === from.id)?.data.name || from.id;
        setPicker({
          place: { ...pickerAt({ x: point.clientX, y: point.clientY }), after: `${name}${handle ? ` (${handle})` : ""}`, ...(handle === COMPENSATION_HANDLE ? { undoes: name } : {}) },
          topLeft: { x: Math.round(flow.x), y: Math.round(flow.y - NODE_HEIGHT / 2) },
          link: { after: { source: from.id, sourceHandle: handle } },
        });
        return;
      }
      if (connection.isValid !== false || !connection.fromNode || !connection.toNode) return;
      const refusal = connectionRefusal({ source: connection.fromNode.id, target: connection.toNode.id, sourceHandle: connection.fromHandle?.id }, state.nodes, state.edges);
      if (refusal) setToast({ text: refusal, x: point.clientX, y: point.clientY });
    },
    [state.nodes, state.edges, rf, pickerAt],
  );

  /** Brings a new step into view when it landed outside. */
  const revealAt = useCallback(
    (position: { x: number; y: number }) => {
      const box = canvas.current?.getBoundingClientRect();
      const topLeft = rf.screenToFlowPosition({ x: box?.left ?? 0, y: box?.top ?? 0 });
      const bottomRight = rf.screenToFlowPosition({ x: (box?.right ?? 800) - 40, y: (box?.bottom ?? 600) - 40 });
      if (position.x < topLeft.x || position.y < topLeft.y || position.x + NODE_WIDTH > bottomRight.x || position.y + NODE_HEIGHT > bottomRight.y) {
        void rf.setCenter(position.x + NODE_WIDTH / 2, position.y + NODE_HEIGHT / 2, { zoom: rf.getZoom(), duration: 200 });
      }
    },
    [rf],
  );

  /** Adds a step: at `at` (its centre; a drop), at `topLeft` (quick add), else beside the selected
   * or last-added step; joined to the graph as `link` says. */
  const addNode = useCallback(
    (type: string, place: { at?: { x: number; y: number }; topLeft?: { x: number; y: number }; link?: AddLink } = {}) => {
      const definitionOf = stepDefinition(type);
      if (!definitionOf) return;
      let position: { x: number; y: number };
      if (place.topLeft) {
        position = place.topLeft;
      } else if (place.at) {
        position = { x: Math.round(place.at.x - NODE_WIDTH / 2), y: Math.round(place.at.y - NODE_HEIGHT / 2) };
      } else {
        // Beside the selected step, else the last one added, else the entry (start); never on another.
        const chosen = state.nodes.filter((n) => n.selected);
        const anchor = (chosen.length === 1 ? chosen[0] : undefined) ?? state.nodes.find((n) => n.id === state.lastAdded) ?? state.nodes.find((n) => isEntry(n.data.stepType));
        const box = canvas.current?.getBoundingClientRect();
        const centre = rf.screenToFlowPosition({ x: (box?.left ?? 0) + (box?.width ?? 800) / 2, y: (box?.top ?? 0) + (box?.height ?? 600) / 2 });
        position = placeBeside(state.nodes, anchor, { x: Math.round(centre.x - NODE_WIDTH / 2), y: Math.round(centre.y - NODE_HEIGHT / 2) });
      }
      revealAt(position);
      dispatch({ type: "add", stepType: type, position, config: definitionOf.defaultConfig as Record<string, unknown>, link: place.link });
    },
    [dispatch, rf, state.nodes, state.lastAdded, revealAt],
  );

  const quickAdd = useMemo<QuickAdd>(
    () => ({
      open(source, sourceHandle, button) {
        const from = state.nodes.find((n) => n.id === source);
        if (!from) return;
        const r = button.getBoundingClientRect();
        const after = `${from.data.name || from.id}${sourceHandle ? ` (${sourceHandle})` : ""}`;
        setPicker({ place: { ...pickerAt({ x: r.right + 8, y: r.top - 8 }), after }, topLeft: placeBeside(state.nodes, from, from.position), link: { after: { source, sourceHandle } } });
      },
    }),
    [state.nodes, pickerAt],
  );

  const edgeAt = useCallback(
    (x: number, y: number) =>
      document
        .elementsFromPoint(x, y)
        .map((el) => el.closest(".react-flow__edge")?.getAttribute("data-id"))
        .find((id): id is string => !!id && state.edges.some((e) => e.id === id)),
    [state.edges],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(STEP_MIME);
      setDropEdge(null);
      if (!type || readOnly) return;
      e.preventDefault();
      const into = edgeAt(e.clientX, e.clientY);
      addNode(type, { at: rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }), ...(into ? { link: { into } } : {}) });
    },
    [addNode, readOnly, rf, edgeAt],
  );

  const focusProblem = useCallback(
    (p: DefinitionProblem) => {
      const id = p.nodeId ?? (p.edgeId ? state.edges.find((e) => e.id === p.edgeId)?.source : undefined);
      if (!id) return;
      dispatch({ type: "select", ids: [id] });
      void rf.fitView({ nodes: [{ id }], duration: 300, ...READABLE_FIT });
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

  const publish = async (note: string, canary?: PublishCanary) => {
    setPublishing(true);
    setPublishError(null);
    try {
      await autosave.flush();
      const res = await api<{ version: VersionSummary & { canary?: number } }>(`/workflows/${workflow.id}/versions`, { body: { ...(note ? { note } : {}), ...(canary ? { canary } : {}) } });
      setVersions((v) => [res.version, ...v]);
      if (validation.definition) setPublished(canonicalJson(validation.definition));
      if (res.version.canary) setRollout({ versions: [{ version: res.version.number, weight: res.version.canary }] });
      else {
        setActiveVersion(res.version.number);
        setRollout(null);
      }
      setDialog(null);
      setNotice(res.version.canary ? `Published version ${res.version.number} as a canary for ${res.version.canary} % of new runs` : `Published version ${res.version.number}`);
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
    const fresh = await fetchWorkflow(workflow.id);
    dispatch({ type: "replace", definition: fresh.draft });
    autosave.adopt(fresh.draftRevision, state.version + 1);
  };

  const exportJson = () => downloadJson(name, exportFile({ name, description: workflow.description }, definition));

  const [savedName, setSavedName] = useState(workflow.name);
  const rename = async (next: string) => {
    if (!next.trim()) {
      setNameError(`Give the workflow a name; it is still “${savedName}”.`);
      return;
    }
    if (next.trim() === savedName) return setNameError(null);
    try {
      await api(`/workflows/${workflow.id}`, { method: "PATCH", body: { name: next.trim() } });
      setSavedName(next.trim());
      setNameError(null);
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
    } catch (e) {
      setNameError(e instanceof ApiProblem ? (e.fieldError("name") ?? e.message) : "The name could not be saved; check that Baton is running and try again.");
    }
  };

  const publishBlocker = !canEdit ? "Your role cannot publish." : errors.length ? `Fix ${errors.length} problem${errors.length > 1 ? "s" : ""} to publish.` : autosave.status === "conflict" ? "Resolve the conflict first." : unchanged ? `No changes since version ${activeVersion}.` : null;

  return (
    <FullScreen fill className="bg-zinc-50">
      <header className="flex min-h-14 shrink-0 flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-200 bg-white px-4 py-2">
        <Link href="/workflows" className="text-sm text-zinc-500 hover:text-zinc-900">
          Workflows /
        </Link>
        <div className="relative min-w-40 flex-1">
          <input
            aria-label="Workflow name"
            value={name}
            disabled={readOnly}
            aria-invalid={!!nameError || undefined}
            aria-describedby={nameError ? "name-error" : undefined}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => void rename(name)}
            onKeyDown={(e) => {
              if (e.key === "Enter") e.currentTarget.blur();
              if (e.key === "Escape") {
                setName(savedName);
                setNameError(null);
              }
            }}
            className="w-full rounded px-1 text-base font-semibold text-zinc-900 hover:bg-zinc-50 focus:bg-white disabled:bg-transparent aria-invalid:ring-2 aria-invalid:ring-red-500"
          />
          {nameError ? (
            <p id="name-error" role="alert" className="absolute top-full left-1 z-20 mt-1 rounded bg-red-600 px-2 py-1 text-xs text-white shadow">
              {nameError}
            </p>
          ) : null}
        </div>
        {canEdit ? (
          <span data-testid="save-status" data-status={autosave.status} className={cx("text-xs", autosave.status === "error" || autosave.status === "conflict" ? "text-red-600" : "text-zinc-500")}>
            {saveLabels[autosave.status]}
          </span>
        ) : (
          <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-600">Read-only</span>
        )}
        {notice ? <span role="status" className="text-xs text-emerald-700">{notice}</span> : null}
        <div className="flex flex-wrap items-center gap-1">
          {canEdit ? (
            <>
              <Button variant="ghost" size="sm" onClick={() => dispatch({ type: "undo" })} disabled={!canUndo} aria-label="Undo" title="Undo (Ctrl/⌘ Z)">Undo</Button>
              <Button variant="ghost" size="sm" onClick={() => dispatch({ type: "redo" })} disabled={!canRedo} aria-label="Redo" title="Redo (Ctrl/⌘ Shift Z)">Redo</Button>
              <Button variant="ghost" size="sm" onClick={() => { dispatch({ type: "layout" }); setTimeout(() => void rf.fitView({ duration: 300, ...READABLE_FIT }), 50); }}>Auto-layout</Button>
            </>
          ) : null}
          <Button variant="ghost" size="sm" onClick={exportJson}>Export</Button>
          <Button variant="secondary" size="sm" onClick={() => setDialog("triggers")} title="Schedules and webhooks that start this workflow">
            Triggers{triggers.data?.triggers.length ? ` (${triggers.data.triggers.length})` : ""}
          </Button>
          <Button variant="secondary" size="sm" onClick={() => setDialog("versions")}>
            Versions{activeVersion ? ` (v${activeVersion})` : ""}
          </Button>
          {activeVersion !== null ? (
            <Link
              href={`/workflows/${workflow.id}/rollout`}
              data-testid="editor-rollout"
              title="Canary rollouts: a newer version on a share of new runs, compared with the active one"
              className={cx("inline-flex h-8 items-center rounded-md px-2.5 text-xs font-medium", rollout ? "bg-amber-50 text-amber-800 ring-1 ring-inset ring-amber-300 hover:bg-amber-100" : "border border-zinc-300 bg-white text-zinc-800 shadow-sm hover:bg-zinc-50")}
            >
              {rollout ? `Canary ${rollout.versions.map((c) => `v${c.version} ${c.weight} %`).join(", ")}` : "Rollout"}
            </Link>
          ) : null}
          {canRun ? (
            <Button variant="secondary" size="sm" onClick={() => setDialog("run")} disabled={activeVersion === null} title={activeVersion === null ? "Publish a version first" : undefined}>
              Run
            </Button>
          ) : null}
          {canEdit && publishBlocker ? (
            <span id="publish-blocker" className="hidden max-w-56 truncate text-xs text-zinc-600 lg:inline" title={publishBlocker}>
              {publishBlocker}
            </span>
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
      {autosave.status === "conflict" ? (
        <div role="alert" className="flex items-center gap-3 border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          <span className="flex-1">This workflow was saved in another tab or by someone else since you opened it. Your latest changes are not saved.</span>
          <Button size="sm" variant="secondary" onClick={() => void loadTheirs()}>Load their version</Button>
          <Button size="sm" variant="danger" onClick={() => void autosave.overwrite()}>Keep mine</Button>
        </div>
      ) : null}
      <p role="note" className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 md:hidden" data-testid="narrow-notice">
        The editor is made for a wider screen. You can look at the workflow here; to change it, use a computer or a wider window.
      </p>
      <QuickAddContext.Provider value={canEdit ? quickAdd : null}>
      <div className="flex min-h-0 flex-1">
        {canEdit ? <Palette onAdd={(t) => addNode(t)} hasEntry={hasEntry} /> : null}
        <div ref={canvas} className="relative min-w-0 flex-1" onDragOver={(e) => { if (!readOnly) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; setDropEdge(edgeAt(e.clientX, e.clientY) ?? null); } }} onDragLeave={() => setDropEdge(null)} onDrop={onDrop} data-testid="canvas">

          <ReactFlow<FlowNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={(changes) => dispatch({ type: "nodes", changes })}
            onEdgesChange={(changes) => dispatch({ type: "edges", changes: changes as never })}
            onConnect={(connection: Connection) => dispatch({ type: "connect", connection })}
            onConnectEnd={onConnectEnd}
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
          {picker ? (
            <StepPicker
              place={picker.place}
              hasEntry={hasEntry}
              onClose={closePicker}
              onPick={(type) => {
                addNode(type, { topLeft: picker.topLeft, link: picker.link });
                setPicker(null);
              }}
            />
          ) : null}
        </div>
        <Inspector
          workflowId={workflow.id}
          node={selected.length === 1 ? selected[0] : undefined}
          selectedCount={selected.length + state.edges.filter((e) => e.selected).length}
          edges={state.edges}
          problems={problems}
          names={names}
          readOnly={readOnly}
          onChange={(id, patch) => dispatch({ type: "update", id, patch })}
          onRenameId={(id, to) => dispatch({ type: "rename-id", id, to })}
          takenIds={state.nodes.map((n) => n.id)}
          onDelete={() => dispatch({ type: "delete-selection" })}
          onFocusProblem={focusProblem}
          nodes={state.nodes}
          onConnect={(connection) => dispatch({ type: "connect", connection: { ...connection, targetHandle: null } })}
          onDisconnect={(edgeId) => dispatch({ type: "delete", nodeIds: [], edgeIds: [edgeId] })}
        />
      </div>
      </QuickAddContext.Provider>
      <PublishDialog open={dialog === "publish"} onOpenChange={(o) => setDialog(o ? "publish" : null)} onPublish={(note, canary) => void publish(note, canary)} pending={publishing} error={publishError} canCanary={activeVersion !== null} />
      <VersionsDialog open={dialog === "versions"} onOpenChange={(o) => setDialog(o ? "versions" : null)} workflowId={workflow.id} versions={versions} active={activeVersion} />
      <Toast toast={toast} onDone={hideToast} />
      <TriggersDialog open={dialog === "triggers"} onOpenChange={(o) => setDialog(o ? "triggers" : null)} workflowId={workflow.id} versions={versions.map((v) => v.number)} canEdit={canEdit} />
      <RunDialog open={dialog === "run"} onOpenChange={(o) => setDialog(o ? "run" : null)} workflowId={workflow.id} activeVersion={activeVersion} />
    </FullScreen>
  );
}
