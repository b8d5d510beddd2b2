"use client";
// One decision table: its columns (typed inputs and outputs), its hit policy, and its rows in a
// spreadsheet-like grid (arrow keys and Enter move between cells; rows are added, moved,
// duplicated and deleted), each problem shown on its cell or row. The test panel evaluates inputs
// against the draft (saving it first) and lights the rows that matched. Publishing makes an
// immutable version with a note; the history shows each version's changes row by row.
import Link from "next/link";
import { useMemo, useState, type KeyboardEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { cx } from "#lib/client/cx.ts";
import { timeAgo } from "#lib/client/format.ts";
import { ruleSetQuery, ruleSetsKey, ruleSetVersionQuery, type RuleSetDetail } from "#lib/client/queries.ts";
import { AGGREGATIONS, HIT_POLICIES, type DecisionTable, type TableProblem } from "#lib/rules/decision-table.ts";
import { diffTables } from "#lib/rules/diff.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge } from "../ui/badge.tsx";
import { Notice, type NoticeMessage } from "../ui/notice.tsx";
import { Button } from "../ui/button.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { JsonView } from "../ui/json-view.tsx";
import { useCan } from "../shell/current-user.tsx";

type Input = DecisionTable["inputs"][number];
type Output = DecisionTable["outputs"][number];
/** The table as edited: every cell is text until saved. */
interface EditTable extends Omit<DecisionTable, "rows"> {
  rows: { id: string; when: string[]; then: string[] }[];
}

const cellText = (value: unknown) => (value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));

function toEdit(table: DecisionTable): EditTable {
  return { ...table, rows: table.rows.map((r) => ({ id: r.id, when: table.inputs.map((_, i) => r.when[i] ?? ""), then: table.outputs.map((_, i) => cellText(r.then[i])) })) };
}

/** An output cell's text as its column's type reads it (what it cannot read is sent as typed, and the server says why). */
function outputValue(text: string, output: Output): unknown {
  const t = text.trim();
  if (t === "") return null;
  if (output.type === "number") return Number.isFinite(Number(t)) ? Number(t) : t;
  if (output.type === "boolean") return t === "true" ? true : t === "false" ? false : t;
  if (output.type === "json") {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  return t;
}

function fromEdit(t: EditTable): DecisionTable {
  return { ...t, rows: t.rows.map((r) => ({ id: r.id, when: r.when, then: r.then.map((text, i) => outputValue(text, t.outputs[i])) })) as DecisionTable["rows"] };
}

const newRowId = (rows: { id: string }[]) => {
  for (let i = rows.length + 1; ; i++) if (!rows.some((r) => r.id === `r${i}`)) return `r${i}`;
};

export function RuleSetEditor({ ruleSetKey }: { ruleSetKey: string }) {
  const query = useQuery(ruleSetQuery(ruleSetKey));
  if (query.error) return <p role="alert" className="text-sm text-red-700">{query.error.message}</p>;
  if (!query.data) return <p className="text-sm text-zinc-500">Loading rule set…</p>;
  return <Editor key={query.data.draftRevision} set={query.data} />;
}

function Editor({ set }: { set: RuleSetDetail }) {
  const qc = useQueryClient();
  const canEdit = useCan("workflows.write");
  const [table, setTable] = useState<EditTable>(() => toEdit(set.draft));
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<TableProblem[]>(set.problems);
  const [revision, setRevision] = useState(set.draftRevision);
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const [matched, setMatched] = useState<string[]>([]);
  const [publishing, setPublishing] = useState(false);
  const edit = (change: (t: EditTable) => EditTable) => {
    setTable((t) => change(t));
    setDirty(true);
    setMatched([]);
  };

  const cellProblem = useMemo(() => new Map(problems.map((p) => [p.path, p.message])), [problems]);
  const overlapping = useMemo(() => new Set(problems.flatMap((p) => p.rowIds ?? [])), [problems]);

  async function save(): Promise<boolean> {
    try {
      const saved = await api<{ revision: number; problems: TableProblem[] }>(`/rule-sets/${set.key}/draft`, { method: "PUT", body: { table: fromEdit(table), revision } });
      setRevision(saved.revision);
      setProblems(saved.problems);
      setDirty(false);
      setMessage(saved.problems.length ? { tone: "error", text: `Saved, with ${saved.problems.length} problem${saved.problems.length === 1 ? "" : "s"} to fix before publishing.` } : { tone: "ok", text: "Saved." });
      void qc.invalidateQueries({ queryKey: ruleSetsKey, exact: true });
      return true;
    } catch (error) {
      const problem = error instanceof ApiProblem ? error : undefined;
      if (problem?.errors.length) setProblems(problem.errors.map((e) => ({ path: e.path.replace(/^table\./, ""), message: e.message })));
      setMessage({ tone: "error", text: (error as Error).message });
      return false;
    }
  }

  const rowsClass = (id: string) => cx(matched.includes(id) && "bg-emerald-50 ring-1 ring-emerald-400", overlapping.has(id) && "bg-amber-50");
  const moveFocus = (e: KeyboardEvent<HTMLInputElement>, row: number, col: number) => {
    const to = e.key === "ArrowDown" || e.key === "Enter" ? row + 1 : e.key === "ArrowUp" ? row - 1 : null;
    if (to === null) return;
    const next = document.querySelector<HTMLInputElement>(`[data-cell="${to}:${col}"]`);
    if (next) {
      e.preventDefault();
      next.focus();
      next.select();
    }
  };
  const columns = table.inputs.length + table.outputs.length;

  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm text-zinc-500">
            <Link href="/rules" className="hover:underline">Rules</Link> /
          </p>
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{set.name}</h1>
          <p className="mt-0.5 text-sm text-zinc-600">
            <span className="font-mono">{set.key}</span> · {set.activeVersion ? <Badge tone="accent">active v{set.activeVersion}</Badge> : "not published yet"}
            {set.description ? ` · ${set.description}` : ""}
          </p>
        </div>
        {canEdit ? (
          <div className="flex items-center gap-2">
            <span className="text-xs text-zinc-500" data-testid="rules-save-state">{dirty ? "Unsaved changes" : "All changes saved"}</span>
            <Button variant="secondary" onClick={() => void save()} disabled={!dirty}>Save draft</Button>
            <Button onClick={async () => (!dirty || (await save())) && setPublishing(true)}>Publish…</Button>
          </div>
        ) : null}
      </header>
      <Notice message={message} testId="rules-message" />
      {problems.length ? (
        <ul className="space-y-0.5 rounded-md bg-red-50 px-3 py-2 text-xs text-red-800" aria-label="Problems" data-testid="rules-problems">
          {problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      ) : null}

      <section className="flex flex-wrap items-end gap-4 text-sm">
        <label className="space-y-1">
          <span className="block font-medium text-zinc-800">Hit policy</span>
          <select className="rounded-md border border-zinc-300 px-2 py-1.5" value={table.hitPolicy} disabled={!canEdit} onChange={(e) => edit((t) => ({ ...t, hitPolicy: e.target.value as EditTable["hitPolicy"] }))}>
            {HIT_POLICIES.map((p) => (
              <option key={p} value={p}>{POLICY_NAMES[p]}</option>
            ))}
          </select>
        </label>
        {table.hitPolicy === "collect" ? (
          <label className="space-y-1">
            <span className="block font-medium text-zinc-800">Aggregation</span>
            <select className="rounded-md border border-zinc-300 px-2 py-1.5" value={table.aggregation ?? ""} disabled={!canEdit} onChange={(e) => edit((t) => ({ ...t, aggregation: (e.target.value || undefined) as EditTable["aggregation"] }))}>
              <option value="">none (the list)</option>
              {AGGREGATIONS.map((a) => (
                <option key={a} value={a}>{a}</option>
              ))}
            </select>
          </label>
        ) : null}
        <p className="max-w-xl text-xs text-zinc-600">{POLICY_HELP[table.hitPolicy]}</p>
      </section>

      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
        <table role="grid" aria-label="Rows" className="w-full border-collapse text-sm" data-testid="rules-grid">
          <thead className="bg-zinc-50 text-left text-xs text-zinc-600">
            <tr>
              <th className="w-10 px-2 py-1.5">#</th>
              {table.inputs.map((input, i) => (
                <ColumnHeader key={`in${i}`} kind="input" column={input} canEdit={canEdit} problem={cellProblem.get(`inputs.${i}.values`)}
                  onChange={(c) => edit((t) => ({ ...t, inputs: t.inputs.map((x, k) => (k === i ? (c as Input) : x)) }))}
                  onRemove={table.inputs.length > 1 ? () => edit((t) => ({ ...t, inputs: t.inputs.filter((_, k) => k !== i), rows: t.rows.map((r) => ({ ...r, when: r.when.filter((_, k) => k !== i) })) })) : undefined} />
              ))}
              {table.outputs.map((output, i) => (
                <ColumnHeader key={`out${i}`} kind="output" column={output} canEdit={canEdit} problem={cellProblem.get(`outputs.${i}.values`)}
                  onChange={(c) => edit((t) => ({ ...t, outputs: t.outputs.map((x, k) => (k === i ? (c as Output) : x)) }))}
                  onRemove={table.outputs.length > 1 ? () => edit((t) => ({ ...t, outputs: t.outputs.filter((_, k) => k !== i), rows: t.rows.map((r) => ({ ...r, then: r.then.filter((_, k) => k !== i) })) })) : undefined} />
              ))}
              <th className="px-2 py-1.5">{canEdit ? <span className="flex gap-1">
                <Button size="sm" variant="ghost" onClick={() => edit((t) => ({ ...t, inputs: [...t.inputs, { name: `input${t.inputs.length + 1}`, type: "string" }], rows: t.rows.map((r) => ({ ...r, when: [...r.when, ""] })) }))}>+ Input</Button>
                <Button size="sm" variant="ghost" onClick={() => edit((t) => ({ ...t, outputs: [...t.outputs, { name: `output${t.outputs.length + 1}`, type: "string" }], rows: t.rows.map((r) => ({ ...r, then: [...r.then, ""] })) }))}>+ Output</Button>
              </span> : null}</th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, r) => (
              <tr key={row.id} data-testid={`rule-row-${r + 1}`} data-matched={matched.includes(row.id) || undefined} className={cx("border-t border-zinc-100", rowsClass(row.id))}>
                <td className="px-2 py-1 text-xs text-zinc-500" title={`row id ${row.id}`}>{r + 1}</td>
                {[...row.when.map((text, i) => ({ text, path: `rows.${r}.when.${i}`, label: `Row ${r + 1}, ${table.inputs[i].name}`, set: (v: string) => ({ ...row, when: row.when.map((x, k) => (k === i ? v : x)) }) })),
                  ...row.then.map((text, i) => ({ text, path: `rows.${r}.then.${i}`, label: `Row ${r + 1}, ${table.outputs[i].name}`, set: (v: string) => ({ ...row, then: row.then.map((x, k) => (k === i ? v : x)) }) }))].map((cell, c) => {
                  const problem = cellProblem.get(cell.path);
                  return (
                    <td key={c} className={cx("px-1 py-0.5", c === table.inputs.length && "border-l-2 border-zinc-200")}>
                      <input
                        data-cell={`${r}:${c}`}
                        aria-label={cell.label}
                        aria-invalid={problem ? true : undefined}
                        title={problem}
                        readOnly={!canEdit}
                        value={cell.text}
                        placeholder={c < table.inputs.length ? "-" : ""}
                        onKeyDown={(e) => moveFocus(e, r, c)}
                        onChange={(e) => edit((t) => ({ ...t, rows: t.rows.map((x) => (x.id === row.id ? cell.set(e.target.value) : x)) }))}
                        className={cx("w-full min-w-24 rounded border px-1.5 py-1 font-mono text-xs focus:border-indigo-500 focus:outline-none", problem ? "border-red-500 bg-red-50" : "border-transparent hover:border-zinc-300")}
                      />
                    </td>
                  );
                })}
                <td className="px-2 py-1 whitespace-nowrap">
                  {canEdit ? (
                    <span className="flex gap-0.5 text-xs">
                      <RowButton label={`Move row ${r + 1} up`} disabled={r === 0} onClick={() => edit((t) => ({ ...t, rows: swap(t.rows, r, r - 1) }))}>↑</RowButton>
                      <RowButton label={`Move row ${r + 1} down`} disabled={r === table.rows.length - 1} onClick={() => edit((t) => ({ ...t, rows: swap(t.rows, r, r + 1) }))}>↓</RowButton>
                      <RowButton label={`Duplicate row ${r + 1}`} onClick={() => edit((t) => ({ ...t, rows: [...t.rows.slice(0, r + 1), { ...row, id: newRowId(t.rows) }, ...t.rows.slice(r + 1)] }))}>copy</RowButton>
                      <RowButton label={`Delete row ${r + 1}`} onClick={() => edit((t) => ({ ...t, rows: t.rows.filter((x) => x.id !== row.id) }))}>✕</RowButton>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
            {table.rows.length === 0 ? (
              <tr>
                <td colSpan={columns + 2} className="px-3 py-4 text-center text-sm text-zinc-500">No rows yet: a table with no rows matches nothing.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {canEdit ? (
        <Button variant="secondary" size="sm" onClick={() => edit((t) => ({ ...t, rows: [...t.rows, { id: newRowId(t.rows), when: t.inputs.map(() => ""), then: t.outputs.map(() => "") }] }))}>
          + Add row
        </Button>
      ) : null}
      <p className="text-xs text-zinc-600">
        Conditions: <code>&gt; 1000</code>, <code>between 100 and 500</code>, <code>in [&quot;EU&quot;, &quot;UK&quot;]</code>, <code>not in [...]</code>, <code>!= 5</code>, a value, <code>-</code> for any, or <code>{"{{ total > limit * 2 }}"}</code> (JSONata over the inputs). Dates as 2026-12-31. ↑ ↓ and Enter move between rows.
      </p>

      <div className="grid gap-5 lg:grid-cols-2">
        <TestPanel table={table} ruleSetKey={set.key} onBeforeTest={async () => !dirty || !canEdit || (await save())} onMatched={setMatched} />
        <History set={set} />
      </div>
      <PublishDialog open={publishing} ruleSetKey={set.key} onClose={() => setPublishing(false)} onPublished={(v) => {
        setPublishing(false);
        setMessage({ tone: "ok", text: `Published version ${v}: Decide steps use it from their next run.` });
        void qc.invalidateQueries({ queryKey: ruleSetsKey });
      }} />
    </div>
  );
}

const swap = <T,>(list: T[], a: number, b: number) => list.map((x, i) => (i === a ? list[b] : i === b ? list[a] : x));

const POLICY_NAMES: Record<DecisionTable["hitPolicy"], string> = {
  unique: "Unique",
  any: "Any",
  first: "First",
  rule_order: "Rule order",
  collect: "Collect",
  priority: "Priority",
  output_order: "Output order",
};

const POLICY_HELP: Record<DecisionTable["hitPolicy"], string> = {
  unique: "At most one row may match: rows that could match the same inputs are refused when published.",
  any: "Several rows may match if they give the same outputs.",
  first: "The first matching row, top to bottom, decides.",
  rule_order: "Every matching row's outputs, in table order.",
  collect: "Every matching row's outputs, or their sum, min, max or count.",
  priority: "The matching row whose output comes first in the output's listed values.",
  output_order: "Every matching row, ordered by the output's listed values.",
};

function RowButton({ label, onClick, disabled, children }: { label: string; onClick(): void; disabled?: boolean; children: string }) {
  return (
    <button type="button" aria-label={label} title={label} disabled={disabled} onClick={onClick} className="rounded px-1.5 py-0.5 text-zinc-600 hover:bg-zinc-100 disabled:text-zinc-300">
      {children}
    </button>
  );
}

function ColumnHeader({ kind, column, canEdit, problem, onChange, onRemove }: { kind: "input" | "output"; column: Input | Output; canEdit: boolean; problem?: string; onChange(c: Input | Output): void; onRemove?: () => void }) {
  const types = kind === "input" ? ["string", "number", "boolean", "date", "enum"] : ["string", "number", "boolean", "json"];
  const listed = kind === "input" ? column.type === "enum" : true;
  return (
    <th className={cx("min-w-32 px-1.5 py-1 align-top font-normal", kind === "output" && "bg-indigo-50/60")}>
      <div className="flex items-center gap-1">
        <span aria-hidden className="text-[10px] font-semibold uppercase text-zinc-500">{kind === "input" ? "if" : "then"}</span>
        <input aria-label={`${kind} name`} readOnly={!canEdit} value={column.name} onChange={(e) => onChange({ ...column, name: e.target.value })} className="w-full rounded border border-transparent px-1 py-0.5 font-mono text-xs font-semibold text-zinc-800 hover:border-zinc-300" />
        {onRemove && canEdit ? <button type="button" aria-label={`Remove the ${kind} ${column.name}`} onClick={onRemove} className="text-zinc-400 hover:text-red-600">✕</button> : null}
      </div>
      <select aria-label={`${column.name} type`} disabled={!canEdit} value={column.type} onChange={(e) => onChange({ ...column, type: e.target.value } as Input | Output)} className="mt-0.5 rounded border border-zinc-200 px-1 py-0.5 text-xs">
        {types.map((t) => (
          <option key={t} value={t}>{t}</option>
        ))}
      </select>
      {listed ? (
        <input
          aria-label={`${column.name} values`}
          readOnly={!canEdit}
          placeholder={kind === "input" ? "values: a, b, c" : "priority: high, low"}
          title={problem ?? (kind === "output" ? "For priority and output order: the values, highest priority first." : "The enum's values.")}
          value={column.values?.join(", ") ?? ""}
          onChange={(e) => onChange({ ...column, values: e.target.value.split(",").map((v) => v.trim()).filter(Boolean) })}
          className={cx("mt-0.5 block w-full rounded border px-1 py-0.5 text-xs", problem ? "border-red-500 bg-red-50" : "border-zinc-200")}
        />
      ) : null}
    </th>
  );
}

function TestPanel({ table, ruleSetKey, onBeforeTest, onMatched }: { table: EditTable; ruleSetKey: string; onBeforeTest(): Promise<boolean>; onMatched(ids: string[]): void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<{ result: unknown; matched: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const typed = (input: Input, text: string): unknown =>
    input.type === "number" ? (text.trim() === "" ? null : Number(text)) : input.type === "boolean" ? text === "true" : text;
  async function test() {
    setError(null);
    if (!(await onBeforeTest())) return;
    try {
      const inputs = Object.fromEntries(table.inputs.map((i) => [i.name, typed(i, values[i.name] ?? "")]));
      const decided = await api<{ result: unknown; matched: string[] }>(`/rule-sets/${ruleSetKey}/evaluate`, { body: { inputs } });
      setAnswer(decided);
      onMatched(decided.matched);
    } catch (e) {
      setAnswer(null);
      onMatched([]);
      setError((e as Error).message);
    }
  }
  return (
    <section aria-labelledby="test-heading" className="rounded-lg border border-zinc-200 bg-white p-4" data-testid="rules-test">
      <h2 id="test-heading" className="text-sm font-semibold text-zinc-900">Test</h2>
      <p className="mb-2 text-xs text-zinc-600">Inputs against the draft (saved first); the matching rows light up in the grid.</p>
      <div className="grid gap-2 sm:grid-cols-2">
        {table.inputs.map((input) => (
          <label key={input.name} className="text-xs">
            <span className="block font-medium text-zinc-700">{input.name} <span className="text-zinc-400">({input.type})</span></span>
            {input.type === "boolean" || input.type === "enum" ? (
              <select aria-label={`Test ${input.name}`} className="w-full rounded border border-zinc-300 px-1.5 py-1" value={values[input.name] ?? ""} onChange={(e) => setValues({ ...values, [input.name]: e.target.value })}>
                <option value="">—</option>
                {(input.type === "boolean" ? ["true", "false"] : (input.values ?? [])).map((v) => (
                  <option key={v} value={v}>{v}</option>
                ))}
              </select>
            ) : (
              <input aria-label={`Test ${input.name}`} className="w-full rounded border border-zinc-300 px-1.5 py-1" value={values[input.name] ?? ""} placeholder={input.type === "date" ? "2026-12-31" : ""} onChange={(e) => setValues({ ...values, [input.name]: e.target.value })} />
            )}
          </label>
        ))}
      </div>
      <Button className="mt-3" size="sm" onClick={() => void test()}>Evaluate</Button>
      {error ? <p role="alert" className="mt-2 text-xs text-red-700">{error}</p> : null}
      {answer ? (
        <div className="mt-3 space-y-1" data-testid="rules-test-result">
          <p className="text-xs text-zinc-700">{answer.matched.length ? `Matched row ${answer.matched.map((id) => table.rows.findIndex((r) => r.id === id) + 1).join(", ")}` : "No row matched."}</p>
          <JsonView label="Result" value={answer.result} />
        </div>
      ) : null}
    </section>
  );
}

function History({ set }: { set: RuleSetDetail }) {
  // The newest until one is picked.
  const [picked, setShown] = useState<number | null>(null);
  const shown = picked ?? set.versions[0]?.number ?? null;
  const version = useQuery(ruleSetVersionQuery(set.key, shown));
  const previous = useQuery(ruleSetVersionQuery(set.key, shown && shown > 1 ? shown - 1 : null));
  const diff = version.data && previous.data ? diffTables(previous.data.table, version.data.table) : null;
  return (
    <section aria-labelledby="history-heading" className="rounded-lg border border-zinc-200 bg-white p-4" data-testid="rules-history">
      <h2 id="history-heading" className="text-sm font-semibold text-zinc-900">History</h2>
      {set.versions.length === 0 ? <p className="text-xs text-zinc-600">Not published yet.</p> : null}
      <ul className="mt-2 space-y-1 text-xs">
        {set.versions.map((v) => (
          <li key={v.number}>
            <button type="button" onClick={() => setShown(v.number)} aria-pressed={shown === v.number} className={cx("w-full rounded px-2 py-1 text-left hover:bg-zinc-50", shown === v.number && "bg-indigo-50")}>
              <strong>v{v.number}</strong> · {actorName(v.createdBy)} · {timeAgo(v.createdAt)}
              {v.note ? <span className="text-zinc-600"> · {v.note}</span> : null}
              {v.number === set.activeVersion ? <Badge tone="accent" className="ml-1">active</Badge> : null}
            </button>
          </li>
        ))}
      </ul>
      {shown && shown > 1 && diff ? (
        <div className="mt-3 text-xs" data-testid="rules-diff">
          <p className="font-medium text-zinc-700">v{shown} against v{shown - 1}</p>
          {diff.rows.length === 0 && diff.other.length === 0 ? <p className="text-zinc-500">No changes.</p> : null}
          <ul className="mt-1 space-y-0.5">
            {diff.other.map((o) => (
              <li key={o}>{o}</li>
            ))}
            {diff.rows.map((r) => (
              <li key={`${r.change}${r.id}`} className={cx(r.change === "added" && "text-emerald-700", r.change === "removed" && "text-red-700")}>
                row {r.row} {r.change}
                {r.cells?.map((c) => ` · ${c.column}: ${cellText(c.before) || "-"} → ${cellText(c.after) || "-"}`).join("")}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function PublishDialog({ open, ruleSetKey, onClose, onPublished }: { open: boolean; ruleSetKey: string; onClose(): void; onPublished(version: number): void }) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function publish() {
    try {
      const published = await api<{ version: number }>(`/rule-sets/${ruleSetKey}/versions`, { body: { note } });
      setNote("");
      setError(null);
      onPublished(published.version);
    } catch (e) {
      setError(e instanceof ApiProblem && e.errors.length ? `${e.message} ${e.errors.map((x) => x.message).join(" ")}` : (e as Error).message);
    }
  }
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title="Publish a version" description="An immutable version, active at once: Decide steps without a pinned version use it from their next run.">
      <label className="block text-sm">
        <span className="font-medium text-zinc-800">Note</span>
        <textarea aria-label="Note" value={note} onChange={(e) => setNote(e.target.value)} className="mt-1 block w-full rounded-md border border-zinc-300 px-2 py-1.5 text-sm" rows={3} placeholder="What changed, and why" />
      </label>
      {error ? <p role="alert" className="mt-2 text-sm text-red-700">{error}</p> : null}
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>Cancel</Button>
        <Button onClick={() => void publish()}>Publish</Button>
      </div>
    </Dialog>
  );
}
