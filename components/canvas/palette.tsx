"use client";
// The step types, from lib/steps, with a search: drag one onto the canvas (onto a connection to
// insert it there), or press Enter on it, or in the search for the first match, to add it beside
// the selected step.
import { useState } from "react";
import { searchSteps } from "#lib/canvas/step-search.ts";
import { StepIcon, categoryTone } from "./step-icons.tsx";
import { cx } from "#lib/client/cx.ts";

export const STEP_MIME = "application/baton-step";

export function Palette({ onAdd, hasEntry }: { onAdd(type: string): void; hasEntry: boolean }) {
  const [query, setQuery] = useState("");
  const types = searchSteps(query, { hasEntry });
  return (
    <aside aria-label="Step types" className="hidden w-52 shrink-0 flex-col border-r border-zinc-200 bg-white md:flex">
      <h2 className="px-3 pt-3 pb-1 text-xs font-semibold tracking-wide text-zinc-600 uppercase">Steps</h2>
      <div className="px-2 pb-2">
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && types[0]) {
              e.preventDefault();
              onAdd(types[0].type);
            }
          }}
          placeholder="Search steps"
          aria-label="Search step types"
          className="block w-full rounded-md border border-zinc-300 px-2 py-1 text-sm"
        />
      </div>
      <p className="px-3 pb-2 text-xs text-zinc-600">Drag onto the canvas or onto a connection, or press Enter to add.</p>
      <ul className="flex-1 space-y-1 overflow-y-auto px-2 pb-3">
        {types.map((d) => (
          <li key={d.type}>
            <button
              type="button"
              draggable
              data-testid={`palette-${d.type}`}
              onDragStart={(e) => {
                e.dataTransfer.setData(STEP_MIME, d.type);
                e.dataTransfer.effectAllowed = "move";
              }}
              onClick={() => onAdd(d.type)}
              className="flex w-full cursor-grab items-start gap-2 rounded-md border border-transparent p-2 text-left hover:border-zinc-200 hover:bg-zinc-50 active:cursor-grabbing"
              title={d.description}
            >
              <span className={cx("mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-md", categoryTone[d.category])}>
                <StepIcon name={d.icon} />
              </span>
              <span className="min-w-0">
                <span className="block text-sm font-medium text-zinc-900">{d.label}</span>
                <span className="line-clamp-2 block text-xs text-zinc-600">{d.description}</span>
              </span>
            </button>
          </li>
        ))}
        {types.length === 0 ? <li className="px-2 py-1 text-sm text-zinc-600">No step type matches “{query}”.</li> : null}
      </ul>
    </aside>
  );
}
