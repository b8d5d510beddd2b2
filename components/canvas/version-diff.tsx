"use client";
// Two versions drawn as one: the later version's steps, plus the removed ones where they were;
// added, removed and changed steps highlighted, with the list of what changed.
import { useCallback, useMemo } from "react";
import { diffDefinitions, type FieldChange } from "#lib/canvas/diff.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { ReadonlyCanvas } from "./readonly-canvas.tsx";

export function VersionDiff({ before, after }: { before: Definition; after: Definition }) {
  const diff = useMemo(() => diffDefinitions(before, after), [before, after]);
  const union = useMemo<Definition>(() => {
    const removed = before.nodes.filter((n) => diff.nodes[n.id] === "removed");
    const removedEdges = before.edges.filter((e) => diff.edges[`${e.source}|${e.sourceHandle ?? ""}|${e.target}`] === "removed");
    return { nodes: [...after.nodes, ...removed], edges: [...after.edges, ...removedEdges.map((e) => ({ ...e, id: `removed_${e.id}` }))] };
  }, [before, after, diff]);
  const decorate = useCallback((id: string) => ({ diff: diff.nodes[id] }), [diff]);
  const decorateEdge = useCallback(
    (e: { source: string; target: string; sourceHandle?: string | null }) => {
      const state = diff.edges[`${e.source}|${e.sourceHandle ?? ""}|${e.target}`];
      if (state === "added") return { style: { stroke: "#059669", strokeWidth: 2.5 } };
      if (state === "removed") return { style: { stroke: "#dc2626", strokeWidth: 2, strokeDasharray: "6 4" } };
      return undefined;
    },
    [diff],
  );
  const entries = Object.entries(diff.nodes).filter(([, c]) => c !== "same");
  const nameOf = (id: string) => (after.nodes.find((n) => n.id === id) ?? before.nodes.find((n) => n.id === id))?.name;
  return (
    <div className="flex min-h-0 flex-1 flex-col md:flex-row">
      <div className="min-h-0 min-w-0 flex-1">
        <ReadonlyCanvas definition={union} decorate={decorate} decorateEdge={decorateEdge} />
      </div>
      <aside aria-label="Changes" className="max-h-[40%] shrink-0 overflow-y-auto border-t border-zinc-200 bg-white p-4 md:max-h-none md:w-80 md:border-t-0 md:border-l">
        <h2 className="text-sm font-semibold text-zinc-900">Changes</h2>
        <p className="mt-1 text-xs text-zinc-500">
          <span className="text-emerald-700">green: added</span> · <span className="text-red-700">red: removed</span> · <span className="text-amber-700">amber: changed</span>
        </p>
        {entries.length === 0 ? <p className="mt-3 text-sm text-zinc-600">The steps are the same.</p> : null}
        <ul className="mt-3 space-y-2 text-sm" data-testid="diff-list">
          {entries.map(([id, change]) => (
            <li key={id} data-change={change} data-testid={`diff-${id}`}>
              <span className="font-medium text-zinc-900">{nameOf(id) || id}</span> {nameOf(id) ? <span className="font-mono text-xs text-zinc-500">{id}</span> : null} <span className="text-zinc-600">{change}</span>
              {diff.fields[id]?.length ? (
                <dl className="mt-1 space-y-1.5 text-xs">
                  {diff.fields[id].map((f) => (
                    <Change key={f.path} change={f} />
                  ))}
                </dl>
              ) : null}
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}

const shown = (v: unknown) => (v === undefined ? "(not set)" : JSON.stringify(v));

/** One changed value: its path, the old value struck through, the new one. */
function Change({ change }: { change: FieldChange }) {
  return (
    <div className="rounded border border-zinc-200 px-2 py-1" data-testid="diff-field">
      <dt className="font-mono text-zinc-600">{change.path}</dt>
      <dd className="mt-0.5 font-mono break-all">
        <del className="block max-h-24 overflow-hidden bg-red-50 px-1 text-red-800" title={shown(change.before)}>
          <span className="sr-only">was </span>
          {shown(change.before)}
        </del>
        <ins className="block max-h-24 overflow-hidden bg-emerald-50 px-1 text-emerald-800 no-underline" title={shown(change.after)}>
          <span className="sr-only">now </span>
          {shown(change.after)}
        </ins>
      </dd>
    </div>
  );
}
