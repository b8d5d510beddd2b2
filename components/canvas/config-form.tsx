"use client";
// A form generated from field specs (lib/canvas/form.ts): used for a step's config in the side
// panel and for a run's input in the run dialog.
import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { credentialsQuery, eventTypesQuery, flagsQuery, ruleSetsQuery, workflowsQuery } from "#lib/client/queries.ts";
import { fieldShown, fieldText, parseFieldText, type FieldSpec } from "#lib/canvas/form.ts";
import { canonicalJson } from "#lib/workflow/canonical.ts";
import { cx } from "#lib/client/cx.ts";
import { previewText } from "#lib/canvas/previews.ts";
import { CodeEditor } from "./code-editor.tsx";

interface Props {
  fields: FieldSpec[];
  value: Record<string, unknown>;
  onChange(value: Record<string, unknown>): void;
  readOnly?: boolean;
  /** Template paths for hints and completion. */
  paths?: string[];
  /** Problems by field key. */
  errors?: Record<string, string[]>;
  /** Warnings by field key (shown, not blocking). */
  warnings?: Record<string, string[]>;
  /** What templated fields evaluate to against the sample data, by field key. */
  previews?: Record<string, FieldPreview>;
}

export type FieldPreview = { value: unknown } | { error: string };

const input =
  "block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:bg-zinc-50 disabled:text-zinc-500 aria-invalid:border-red-500";

export function ConfigForm({ fields, value, onChange, readOnly, paths = [], errors = {}, warnings = {}, previews = {} }: Props) {
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  if (fields.length === 0) return <p className="text-sm text-zinc-500">This step has nothing to configure.</p>;
  return (
    <div className="space-y-4">
      {fields.filter((field) => fieldShown(field, value, fields)).map((field) => (
        <FieldRow key={field.key} field={field} value={value[field.key]} onValue={(v) => set(field.key, v)} readOnly={readOnly} paths={paths} errors={errors[field.key]} warnings={warnings[field.key]} preview={previews[field.key]} />
      ))}
    </div>
  );
}

function FieldRow({ field, value, onValue, readOnly, paths, errors, warnings, preview }: { field: FieldSpec; value: unknown; onValue(v: unknown): void; readOnly?: boolean; paths: string[]; errors?: string[]; warnings?: string[]; preview?: FieldPreview }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="flex items-baseline justify-between text-sm font-medium text-zinc-800">
        <span>
          {field.label}
          {field.required ? <span className="text-red-600"> *</span> : null}
        </span>
        {field.templatable ? <span className="text-[10px] font-normal text-zinc-500">value or {"{{ template }}"}</span> : null}
      </label>
      <Control id={id} field={field} value={value} onValue={onValue} readOnly={readOnly} paths={paths} invalid={!!errors?.length} />
      {errors?.length ? errors.map((e, i) => <p key={i} className="text-xs text-red-700">{e}</p>) : field.description ? <p className="text-xs text-zinc-600">{field.description}</p> : null}
      {warnings?.map((w, i) => (
        <p key={`w${i}`} className="text-xs text-amber-800">
          <span className="font-semibold">Warning: </span>
          {w}
        </p>
      ))}
      {preview ? (
        <p className={cx("rounded bg-zinc-50 px-1.5 py-1 font-mono text-xs break-all", "error" in preview ? "text-red-700" : "text-zinc-800")} data-testid={`preview-${field.key}`} aria-live="polite">
          <span className="font-sans font-medium text-zinc-600">{"error" in preview ? "Preview fails: " : "Preview: "}</span>
          {"error" in preview ? preview.error : previewText(preview.value)}
        </p>
      ) : null}
    </div>
  );
}

function Control({ id, field, value, onValue, readOnly, paths, invalid }: { id: string; field: FieldSpec; value: unknown; onValue(v: unknown): void; readOnly?: boolean; paths: string[]; invalid: boolean }) {
  switch (field.kind) {
    case "select":
      return (
        <select id={id} className={input} disabled={readOnly} aria-invalid={invalid || undefined} value={fieldText(value ?? field.defaultValue)} onChange={(e) => onValue(e.target.value)}>
          {!field.required && field.defaultValue === undefined ? <option value="">(none)</option> : null}
          {field.options!.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case "multiselect": {
      const chosen = Array.isArray(value) ? value : Array.isArray(field.defaultValue) ? field.defaultValue : [];
      return (
        <div id={id} role="group" aria-label={field.label} className="flex flex-wrap gap-x-3 gap-y-1">
          {field.options!.map((o) => (
            <label key={o} className="flex items-center gap-1.5 text-sm text-zinc-800">
              <input
                type="checkbox"
                disabled={readOnly}
                checked={chosen.includes(o)}
                onChange={(e) => onValue(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))}
                className="size-4 rounded border-zinc-300"
              />
              {o}
            </label>
          ))}
        </div>
      );
    }
    case "eventType":
      return <EventTypeSelect id={id} value={typeof value === "string" ? value : ""} onValue={onValue} readOnly={readOnly} invalid={invalid} />;
    case "ruleSet":
      return <RuleSetSelect id={id} value={typeof value === "string" ? value : ""} onValue={onValue} readOnly={readOnly} invalid={invalid} />;
    case "flag":
      return <FlagSelect id={id} value={typeof value === "string" ? value : ""} onValue={onValue} readOnly={readOnly} invalid={invalid} />;
    case "workflow":
      return <WorkflowSelect id={id} value={typeof value === "string" ? value : ""} onValue={onValue} readOnly={readOnly} invalid={invalid} />;
    case "credential":
      return <CredentialSelect id={id} kind={field.credentialKind!} value={typeof value === "string" ? value : ""} onValue={onValue} readOnly={readOnly} invalid={invalid} />;
    case "list":
      return <ListField id={id} value={value} onValue={onValue} readOnly={readOnly} invalid={invalid} />;
    case "checkbox":
      return <input id={id} type="checkbox" disabled={readOnly} checked={value === true} onChange={(e) => onValue(e.target.checked || undefined)} className="size-4 rounded border-zinc-300" />;
    case "json":
      return <JsonField id={id} label={field.label} value={value} onValue={onValue} readOnly={readOnly} paths={paths} invalid={invalid} />;
    case "code":
      return <CodeEditor label={field.label} language={field.language ?? "text"} value={fieldText(value)} onChange={(t) => onValue(t === "" ? undefined : t)} readOnly={readOnly} paths={paths.map((p) => p)} minLines={field.language ? 8 : 2} invalid={invalid} />;
    default:
      return (
        <input
          id={id}
          className={cx(input, field.templatable || field.kind === "text" ? "font-mono text-[13px]" : "")}
          inputMode={field.kind === "number" && !field.templatable ? "numeric" : undefined}
          disabled={readOnly}
          aria-invalid={invalid || undefined}
          value={fieldText(value)}
          placeholder={field.defaultValue !== undefined ? `default: ${fieldText(field.defaultValue)}` : undefined}
          onChange={(e) => onValue(parseFieldText(field, e.target.value))}
        />
      );
  }
}

/** Credentials of one kind by name (values never reach the browser); a name typed in a template
 * or imported that does not exist is kept and shown as missing. */
function CredentialSelect({ id, kind, value, onValue, readOnly, invalid }: { id: string; kind: string; value: string; onValue(v: unknown): void; readOnly?: boolean; invalid: boolean }) {
  // `kind`: one kind, or several separated by commas (an HTTP step takes any HTTP credential).
  const names = (useQuery(credentialsQuery()).data?.credentials ?? []).filter((c) => kind.split(",").includes(c.kind)).map((c) => c.name);
  return (
    <select id={id} className={input} disabled={readOnly} aria-invalid={invalid || undefined} value={value} onChange={(e) => onValue(e.target.value || undefined)}>
      <option value="">(none)</option>
      {value && !names.includes(value) ? <option value={value}>{value} (missing)</option> : null}
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}

/** Event types from the registry by name; a name that is not (yet) there is kept and shown as missing. */
function EventTypeSelect({ id, value, onValue, readOnly, invalid }: { id: string; value: string; onValue(v: unknown): void; readOnly?: boolean; invalid: boolean }) {
  const names = (useQuery(eventTypesQuery()).data?.eventTypes ?? []).map((t) => t.name);
  return (
    <select id={id} className={input} disabled={readOnly} aria-invalid={invalid || undefined} value={value} onChange={(e) => onValue(e.target.value)}>
      {value && !names.includes(value) ? <option value={value}>{value} (missing)</option> : null}
      {!value ? <option value="">(choose a type)</option> : null}
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}

/** Rule sets by name (a Decide step evaluates one); a key not among them is kept and shown as missing. */
function RuleSetSelect({ id, value, onValue, readOnly, invalid }: { id: string; value: string; onValue(v: unknown): void; readOnly?: boolean; invalid: boolean }) {
  const sets = useQuery(ruleSetsQuery()).data?.ruleSets ?? [];
  return (
    <select id={id} className={input} disabled={readOnly} aria-invalid={invalid || undefined} value={value} onChange={(e) => onValue(e.target.value)}>
      {value && !sets.some((r) => r.key === value) ? <option value={value}>{value} (missing)</option> : null}
      {!value ? <option value="">(choose a rule set)</option> : null}
      {sets.map((r) => (
        <option key={r.key} value={r.key}>
          {r.name} ({r.activeVersion ? `v${r.activeVersion}` : "not published"})
        </option>
      ))}
    </select>
  );
}

/** Flags by name (a condition in flag mode asks one); a key not among them is kept and shown as missing. */
function FlagSelect({ id, value, onValue, readOnly, invalid }: { id: string; value: string; onValue(v: unknown): void; readOnly?: boolean; invalid: boolean }) {
  const flags = useQuery(flagsQuery()).data?.flags ?? [];
  return (
    <select id={id} className={input} disabled={readOnly} aria-invalid={invalid || undefined} value={value} onChange={(e) => onValue(e.target.value || undefined)}>
      {value && !flags.some((f) => f.key === value) ? <option value={value}>{value} (missing)</option> : null}
      {!value ? <option value="">(choose a flag)</option> : null}
      {flags.map((f) => (
        <option key={f.key} value={f.key}>
          {f.name} ({f.key}{f.enabled ? "" : ", off"})
        </option>
      ))}
    </select>
  );
}

/** Published workflows by name (a sub-workflow runs one); an id not among them is kept and shown as missing. */
function WorkflowSelect({ id, value, onValue, readOnly, invalid }: { id: string; value: string; onValue(v: unknown): void; readOnly?: boolean; invalid: boolean }) {
  const workflows = (useQuery(workflowsQuery()).data?.workflows ?? []).filter((w) => w.activeVersion !== null);
  return (
    <select id={id} className={input} disabled={readOnly} aria-invalid={invalid || undefined} value={value} onChange={(e) => onValue(e.target.value)}>
      {value && !workflows.some((w) => w.id === value) ? <option value={value}>{value} (not published)</option> : null}
      {!value ? <option value="">(choose a workflow)</option> : null}
      {workflows.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name} (v{w.activeVersion})
        </option>
      ))}
    </select>
  );
}

const linesOf = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

/** A list of strings, one per line; the text is yours while you type (blank lines drop out). */
function ListField({ id, value, onValue, readOnly, invalid }: { id: string; value: unknown; onValue(v: unknown): void; readOnly?: boolean; invalid: boolean }) {
  const items = Array.isArray(value) ? value.map(String) : [];
  const [text, setText] = useState(items.join("\n"));
  // Changed from elsewhere (undo, another node selected): show the new list.
  if (linesOf(text).join("\n") !== items.join("\n")) setText(items.join("\n"));
  return (
    <textarea
      id={id}
      rows={Math.max(2, items.length + 1)}
      className={cx(input, "font-mono text-[13px]")}
      disabled={readOnly}
      aria-invalid={invalid || undefined}
      placeholder="one per line"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onValue(linesOf(e.target.value));
      }}
    />
  );
}

/** JSON in a code editor: the text is yours while you type; the value changes when it parses. */
function JsonField({ id, label, value, onValue, readOnly, paths, invalid }: { id: string; label: string; value: unknown; onValue(v: unknown): void; readOnly?: boolean; paths: string[]; invalid: boolean }) {
  const show = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 2));
  const [text, setText] = useState(() => show(value));
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(value);
  // Follow outside changes (undo, another node) without fighting the person typing: adopt the
  // new value only when it differs from what the text already says.
  if (shown !== value) {
    setShown(value);
    let current: unknown = Symbol("unparsable");
    try {
      current = text.trim() ? JSON.parse(text) : undefined;
    } catch {
      // keep the sentinel: the text is mid-edit
    }
    if (typeof current !== "symbol" && canonicalJson(current ?? null) !== canonicalJson(value ?? null)) {
      setText(show(value));
      setError(null);
    }
  }
  return (
    <div id={id}>
      <CodeEditor
        label={label}
        value={text}
        readOnly={readOnly}
        paths={paths}
        invalid={invalid || !!error}
        onChange={(t) => {
          setText(t);
          if (!t.trim()) {
            setError(null);
            return onValue(undefined);
          }
          try {
            onValue(JSON.parse(t));
            setError(null);
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      />
      {error ? <p className="mt-1 text-xs text-red-600">Not valid JSON yet: {error}</p> : null}
    </div>
  );
}
