"use client";
// JSON shown as a tree whose objects and arrays fold (native <details>: keyboard and screen
// reader friendly). Large values start folded below the first level.
import { useState } from "react";

const MAX_OPEN_ITEMS = 20;

export function JsonView({ value, label }: { value: unknown; label: string }) {
  const [raw, setRaw] = useState(false);
  return (
    <div className="rounded-md border border-zinc-200 bg-zinc-50 text-xs">
      <div className="flex items-center justify-between border-b border-zinc-200 px-2 py-1">
        <span className="font-medium text-zinc-600">{label}</span>
        <button type="button" className="text-[11px] text-indigo-700 hover:underline" onClick={() => setRaw((r) => !r)}>
          {raw ? "Tree" : "Raw"}
        </button>
      </div>
      <div className="max-h-72 overflow-auto p-2 font-mono" role="region" aria-label={label}>
        {raw ? <pre className="whitespace-pre-wrap break-all">{JSON.stringify(value, null, 2)}</pre> : <Node value={value} depth={0} />}
      </div>
    </div>
  );
}

function Node({ value, depth, name }: { value: unknown; depth: number; name?: string }) {
  const key = name !== undefined ? <span className="text-violet-700">{name}: </span> : null;
  if (value === null || typeof value !== "object") {
    return (
      <div className="break-all">
        {key}
        <Scalar value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) {
    return (
      <div>
        {key}
        <span className="text-zinc-500">{open + close}</span>
      </div>
    );
  }
  return (
    <details open={depth < 1 || entries.length <= MAX_OPEN_ITEMS / 4} className="group">
      <summary className="cursor-pointer list-none text-zinc-500 marker:hidden">
        <span className="inline-block w-3 transition-transform group-open:rotate-90">▸</span>
        {key}
        {open}
        <span className="group-open:hidden"> {entries.length} {Array.isArray(value) ? "items" : "keys"} {close}</span>
      </summary>
      <div className="ml-4 border-l border-zinc-200 pl-2">
        {entries.map(([k, v]) => (
          <Node key={k} name={k} value={v} depth={depth + 1} />
        ))}
      </div>
      <span className="text-zinc-500">{close}</span>
    </details>
  );
}

function Scalar({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className="text-emerald-800">&quot;{value}&quot;</span>;
  if (typeof value === "number") return <span className="text-sky-800">{value}</span>;
  if (typeof value === "boolean") return <span className="text-amber-800">{String(value)}</span>;
  return <span className="text-zinc-500">{value === undefined ? "—" : "null"}</span>;
}
