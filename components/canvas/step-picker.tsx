"use client";
// The quick-add picker: opened by dragging a connection onto empty canvas or by a step's "+",
// it lists the step types that fit, filtered as you type; Enter or a click adds the highlighted
// one, Escape or a click outside closes it. Keyboard first: the search has focus, arrows move.
import { useEffect, useRef, useState } from "react";
import { searchSteps } from "#lib/canvas/step-search.ts";
import { cx } from "#lib/client/cx.ts";
import { StepIcon, categoryTone } from "./step-icons.tsx";

export interface PickerPlace {
  /** Where to show it, in pixels within the canvas. */
  x: number;
  y: number;
  /** What the new step follows, for the title. */
  after: string;
  /** Dragged from a step's compensation handle: the new step undoes this one. */
  undoes?: string;
}

export function StepPicker({ place, hasEntry, onPick, onClose }: { place: PickerPlace; hasEntry: boolean; onPick(type: string): void; onClose(): void }) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const types = searchSteps(query, { hasEntry, needsInput: true });
  const current = Math.min(active, Math.max(0, types.length - 1));
  // Focus moves to the search once the picker is drawn (the key or click that opened it is over).
  useEffect(() => {
    const frame = requestAnimationFrame(() => search.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, []);
  useEffect(() => {
    const outside = (e: PointerEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", outside, true);
    return () => document.removeEventListener("pointerdown", outside, true);
  }, [onClose]);
  return (
    <div
      ref={box}
      role="dialog"
      aria-label={place.undoes ? `Add a step that undoes ${place.undoes}` : `Add a step after ${place.after}`}
      className="absolute z-20 w-64 rounded-lg border border-zinc-200 bg-white p-2 shadow-xl"
      style={{ left: place.x, top: place.y }}
      data-testid="step-picker"
    >
      <p className="px-1 pb-1 text-xs text-zinc-600">
        {place.undoes ? "Add a step that undoes " : "Add a step after "}
        <span className="font-medium text-zinc-900">{place.undoes ?? place.after}</span>
      </p>
      <input
        ref={search}
        type="search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setActive((current + (e.key === "ArrowDown" ? 1 : types.length - 1)) % Math.max(1, types.length));
          } else if (e.key === "Enter" && types[current]) {
            e.preventDefault();
            onPick(types[current].type);
          } else if (e.key === "Escape") {
            e.preventDefault();
            onClose();
          }
        }}
        placeholder="Search steps"
        aria-label="Search steps"
        aria-controls="step-picker-options"
        aria-activedescendant={types[current] ? `pick-${types[current].type}` : undefined}
        className="block w-full rounded-md border border-zinc-300 px-2 py-1 text-sm"
      />
      <ul id="step-picker-options" role="listbox" aria-label="Step types" className="mt-1 max-h-64 overflow-y-auto">
        {types.map((d, i) => (
          <li
            key={d.type}
            id={`pick-${d.type}`}
            role="option"
            aria-selected={i === current}
            onPointerEnter={() => setActive(i)}
            onClick={() => onPick(d.type)}
            className={cx("flex cursor-pointer items-center gap-2 rounded-md px-1.5 py-1 text-sm", i === current && "bg-indigo-50")}
          >
            <span className={cx("flex size-6 shrink-0 items-center justify-center rounded", categoryTone[d.category])}>
              <StepIcon name={d.icon} />
            </span>
            {d.label}
          </li>
        ))}
        {types.length === 0 ? <li className="px-1.5 py-1 text-sm text-zinc-600">No step type matches “{query}”.</li> : null}
      </ul>
    </div>
  );
}
