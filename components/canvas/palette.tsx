"use client";
// The step types, from lib/steps: drag one onto the canvas, or press Enter on it to add it in the
// middle of the view.
import { stepDefinitions } from "#lib/steps/index.ts";
import { StepIcon, categoryTone } from "./step-icons.tsx";
import { cx } from "#lib/client/cx.ts";

export const STEP_MIME = "application/baton-step";

export function Palette({ onAdd, hasStart }: { onAdd(type: string): void; hasStart: boolean }) {
  const types = Object.values(stepDefinitions).filter((d) => d.type !== "start" || !hasStart);
  return (
    <aside aria-label="Step types" className="flex w-52 shrink-0 flex-col border-r border-zinc-200 bg-white">
      <h2 className="px-3 pt-3 pb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Steps</h2>
      <p className="px-3 pb-2 text-xs text-zinc-500">Drag onto the canvas, or press Enter to add.</p>
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
                <span className="line-clamp-2 block text-xs text-zinc-500">{d.description}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
