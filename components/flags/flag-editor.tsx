"use client";
// One feature flag: the kill switch, what it served in the last hour, its targeting rules (all
// conditions of a rule must hold; the first matching rule serves) and its default, each serving
// one value or a sticky rollout; a test panel asking it for a context; its history. Saving makes
// a new version, in effect in every worker as soon as it commits.
import Link from "next/link";
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { cx } from "#lib/client/cx.ts";
import { timeAgo } from "#lib/client/format.ts";
import { flagQuery, flagsKey, flagVersionQuery, type FlagDetail } from "#lib/client/queries.ts";
import { describeEvaluation, flagValues, type FlagDefinition, type FlagEvaluation, type FlagValue, type Serve } from "#lib/flags/definition.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge } from "../ui/badge.tsx";
import { Notice, type NoticeMessage } from "../ui/notice.tsx";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { JsonView } from "../ui/json-view.tsx";
import { useCan } from "../shell/current-user.tsx";
import { ServedLastHour } from "./served.tsx";

type Rule = FlagDefinition["rules"][number];
type Problems = Map<string, string>;

const control = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:bg-zinc-50 aria-invalid:border-red-500";
const valueKey = (v: FlagValue) => JSON.stringify(v);

export function FlagEditor({ flagKey }: { flagKey: string }) {
  const query = useQuery(flagQuery(flagKey));
  if (query.error) return <p role="alert" className="text-sm text-red-700">{query.error.message}</p>;
  if (!query.data) return <p className="text-sm text-zinc-500">Loading flag…</p>;
  return <Editor key={query.data.version} flag={query.data} />;
}

function Editor({ flag }: { flag: FlagDetail }) {
  const qc = useQueryClient();
  const canEdit = useCan("workflows.write");
  const canOperate = useCan("rollouts.stop");
  const [d, setD] = useState<FlagDefinition>(flag.definition);
  const [dirty, setDirty] = useState(false);
  const [note, setNote] = useState("");
  const [problems, setProblems] = useState<Problems>(new Map());
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const [switching, setSwitching] = useState(false);
  const values = flagValues(d);
  const edit = (change: (d: FlagDefinition) => FlagDefinition) => {
    setD(change);
    setDirty(true);
  };
  const setRule = (i: number, rule: Rule) => edit((x) => ({ ...x, rules: x.rules.map((r, j) => (j === i ? rule : r)) }));
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: [...flagsKey, flag.key] }), qc.invalidateQueries({ queryKey: flagsKey, exact: true })]);

  async function save() {
    try {
      await api(`/flags/${flag.key}`, { method: "PUT", body: { definition: d, version: flag.version, note } });
      setMessage({ tone: "ok", text: "Saved: every worker uses it from now on." });
      await refresh();
    } catch (error) {
      const problem = error instanceof ApiProblem ? error : undefined;
      setProblems(new Map((problem?.errors ?? []).map((e) => [e.path.replace(/^definition\./, ""), e.message])));
      setMessage({ tone: "error", text: (error as Error).message });
    }
  }

  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm text-zinc-500">
            <Link href="/flags" className="hover:underline">Flags</Link> /
          </p>
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{flag.name}</h1>
          <p className="mt-0.5 flex flex-wrap items-center gap-1.5 text-sm text-zinc-600">
            <span className="font-mono">{flag.key}</span> · {flag.definition.enabled ? <Badge tone="success">on</Badge> : <Badge tone="danger">off: serving {String(flag.definition.offValue)} to everyone</Badge>} · v{flag.version} · {flag.definition.kind}
            {flag.description ? ` · ${flag.description}` : ""}
          </p>
        </div>
        {canOperate ? (
          <Button variant={flag.definition.enabled ? "danger" : "secondary"} onClick={() => setSwitching(true)} data-testid="flag-kill-switch">
            {flag.definition.enabled ? "Turn off everywhere" : "Turn on"}
          </Button>
        ) : null}
      </header>
      <Notice message={message} testId="flag-message" />

      <section className="rounded-lg border border-zinc-200 bg-white p-4">
        <h2 className="mb-2 text-sm font-semibold text-zinc-900">Served in the last hour</h2>
        <ServedLastHour counts={flag.lastHour} values={values} />
      </section>

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4" aria-label="Targeting">
          <div className="flex flex-wrap items-end gap-4">
            {d.kind === "variant" ? (
              <Labelled label="Variants" problem={problems.get("variants")}>
                <input className={cx(control, "w-64")} disabled={!canEdit} defaultValue={d.variants.join(", ")} onChange={(e) => edit((x) => ({ ...x, variants: e.target.value.split(",").map((v) => v.trim()).filter(Boolean) }))} />
              </Labelled>
            ) : null}
            <Labelled label="Served while off" problem={problems.get("offValue")}>
              <ValueSelect values={values} value={d.offValue} disabled={!canEdit} onChange={(v) => edit((x) => ({ ...x, offValue: v }))} label="Served while off" />
            </Labelled>
            <Labelled label="Rollouts bucket by" problem={problems.get("bucketBy")}>
              <input aria-label="Rollouts bucket by" className={cx(control, "w-40 font-mono")} disabled={!canEdit} value={d.bucketBy} onChange={(e) => edit((x) => ({ ...x, bucketBy: e.target.value }))} />
            </Labelled>
          </div>

          <h2 className="text-sm font-semibold text-zinc-900">Rules, first match serves</h2>
          {d.rules.length === 0 ? <p className="text-sm text-zinc-500">No rules: everyone gets the default.</p> : null}
          <ol className="space-y-3">
            {d.rules.map((rule, i) => (
              <li key={rule.id} className="rounded-md border border-zinc-200 p-3" data-testid={`flag-rule-${i + 1}`}>
                <RuleEditor
                  rule={rule}
                  index={i}
                  values={values}
                  problems={problems}
                  disabled={!canEdit}
                  onChange={(r) => setRule(i, r)}
                  onMove={(by) => edit((x) => ({ ...x, rules: move(x.rules, i, i + by) }))}
                  onRemove={() => edit((x) => ({ ...x, rules: x.rules.filter((_, j) => j !== i) }))}
                  last={i === d.rules.length - 1}
                />
              </li>
            ))}
          </ol>
          {canEdit ? (
            <Button variant="secondary" size="sm" onClick={() => edit((x) => ({ ...x, rules: [...x.rules, { id: newId(x.rules), description: "", conditions: [{ attribute: "country", type: "string", test: 'in ["DE", "FR"]' }], serve: { value: values[0] } }] }))}>
              Add rule
            </Button>
          ) : null}

          <h2 className="text-sm font-semibold text-zinc-900">Everyone else</h2>
          <ServeEditor serve={d.fallthrough} values={values} path="fallthrough" problems={problems} disabled={!canEdit} onChange={(s) => edit((x) => ({ ...x, fallthrough: s }))} />

          {canEdit ? (
            <div className="flex flex-wrap items-center gap-2 border-t border-zinc-100 pt-3">
              <input aria-label="Note" className={cx(control, "min-w-64 flex-1")} placeholder="What changed and why (kept with the version)" value={note} onChange={(e) => setNote(e.target.value)} />
              <span className="text-xs text-zinc-500">{dirty ? "Unsaved changes" : "No changes"}</span>
              <Button onClick={() => void save()} disabled={!dirty}>Save as v{flag.version + 1}</Button>
            </div>
          ) : null}
        </section>

        <aside className="space-y-5">
          <TestPanel flagKey={flag.key} bucketBy={d.bucketBy} />
          <History flag={flag} />
        </aside>
      </div>

      <ConfirmDialog
        open={switching}
        onOpenChange={setSwitching}
        title={flag.definition.enabled ? `Turn ${flag.name} off everywhere?` : `Turn ${flag.name} on?`}
        consequence={flag.definition.enabled ? `Every evaluation serves ${String(flag.definition.offValue)} from the moment this commits, in every worker, whatever the rules say. Saved as a new version and audited.` : "Its rules and rollouts apply again from the moment this commits."}
        confirmLabel={flag.definition.enabled ? "Turn off" : "Turn on"}
        danger={flag.definition.enabled}
        onConfirm={async () => {
          await api(`/flags/${flag.key}/enabled`, { body: { enabled: !flag.definition.enabled, note } });
          await refresh();
        }}
      />
    </div>
  );
}

function Labelled({ label, problem, children }: { label: string; problem?: string; children: React.ReactNode }) {
  return (
    <label className="block text-xs font-medium text-zinc-600">
      <span className="mb-1 block">{label}</span>
      {children}
      {problem ? <span className="mt-1 block text-xs font-normal text-red-700">{problem}</span> : null}
    </label>
  );
}

function ValueSelect({ values, value, onChange, disabled, label }: { values: FlagValue[]; value: FlagValue; onChange(v: FlagValue): void; disabled?: boolean; label: string }) {
  return (
    <select aria-label={label} className={control} disabled={disabled} value={valueKey(value)} onChange={(e) => onChange(JSON.parse(e.target.value))}>
      {values.includes(value) ? null : <option value={valueKey(value)}>{String(value)} (not a value)</option>}
      {values.map((v) => (
        <option key={valueKey(v)} value={valueKey(v)}>
          {String(v)}
        </option>
      ))}
    </select>
  );
}

function RuleEditor({ rule, index, values, problems, disabled, onChange, onMove, onRemove, last }: { rule: Rule; index: number; values: FlagValue[]; problems: Problems; disabled: boolean; onChange(r: Rule): void; onMove(by: number): void; onRemove(): void; last: boolean }) {
  const path = `rules.${index}`;
  const setCondition = (i: number, c: Partial<Rule["conditions"][number]>) => onChange({ ...rule, conditions: rule.conditions.map((x, j) => (j === i ? { ...x, ...c } : x)) });
  return (
    <div className="space-y-2">
      <div className="flex items-center gap-2">
        <span className="text-xs font-semibold text-zinc-500">Rule {index + 1}</span>
        <input aria-label={`Rule ${index + 1} description`} className={cx(control, "flex-1")} placeholder="Who this is for" disabled={disabled} value={rule.description} onChange={(e) => onChange({ ...rule, description: e.target.value })} />
        {disabled ? null : (
          <>
            <Button variant="ghost" size="sm" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move rule ${index + 1} up`}>↑</Button>
            <Button variant="ghost" size="sm" onClick={() => onMove(1)} disabled={last} aria-label={`Move rule ${index + 1} down`}>↓</Button>
            <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove rule ${index + 1}`}>Remove</Button>
          </>
        )}
      </div>
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-xs text-zinc-500">
            <th className="font-medium">When the context&apos;s</th>
            <th className="font-medium">is a</th>
            <th className="font-medium">and</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rule.conditions.map((c, i) => (
            <tr key={i}>
              <td className="pr-2 align-top">
                <input aria-label={`Rule ${index + 1} attribute ${i + 1}`} className={cx(control, "w-full font-mono")} disabled={disabled} value={c.attribute} onChange={(e) => setCondition(i, { attribute: e.target.value })} />
              </td>
              <td className="pr-2 align-top">
                <select aria-label={`Rule ${index + 1} type ${i + 1}`} className={control} disabled={disabled} value={c.type} onChange={(e) => setCondition(i, { type: e.target.value as Rule["conditions"][number]["type"] })}>
                  {["string", "number", "boolean", "date"].map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </td>
              <td className="pr-2 align-top">
                <input
                  aria-label={`Rule ${index + 1} test ${i + 1}`}
                  aria-invalid={problems.has(`${path}.conditions.${i}.test`) || undefined}
                  className={cx(control, "w-full font-mono")}
                  disabled={disabled}
                  value={c.test}
                  placeholder='in ["DE", "FR"], > 100, between 1 and 5'
                  onChange={(e) => setCondition(i, { test: e.target.value })}
                />
                {problems.get(`${path}.conditions.${i}.test`) ? <span className="text-xs text-red-700">{problems.get(`${path}.conditions.${i}.test`)}</span> : null}
              </td>
              <td className="align-top">
                {disabled ? null : (
                  <Button variant="ghost" size="sm" onClick={() => onChange({ ...rule, conditions: rule.conditions.filter((_, j) => j !== i) })} aria-label={`Remove condition ${i + 1} of rule ${index + 1}`}>
                    ×
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {disabled ? null : (
        <Button variant="ghost" size="sm" onClick={() => onChange({ ...rule, conditions: [...rule.conditions, { attribute: "plan", type: "string", test: "pro" }] })}>
          + condition
        </Button>
      )}
      <ServeEditor serve={rule.serve} values={values} path={`${path}.serve`} problems={problems} disabled={disabled} onChange={(serve) => onChange({ ...rule, serve })} />
    </div>
  );
}

/** One value, or a rollout: a share of the context keys per value (sticky by the bucketing key). */
function ServeEditor({ serve, values, path, problems, disabled, onChange }: { serve: Serve; values: FlagValue[]; path: string; problems: Problems; disabled: boolean; onChange(s: Serve): void }) {
  const rollout = "rollout" in serve;
  const weightOf = (v: FlagValue) => ("rollout" in serve ? serve.rollout.find((s) => s.value === v)?.weight ?? 0 : 0);
  const total = "rollout" in serve ? serve.rollout.reduce((sum, s) => sum + s.weight, 0) : 100;
  const problem = [...problems].filter(([p]) => p.startsWith(path)).map(([, m]) => m);
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid={`serve-${path}`}>
      <span className="text-xs font-medium text-zinc-600">Serve</span>
      <select aria-label={`${path} serves`} className={control} disabled={disabled} value={rollout ? "rollout" : "value"} onChange={(e) => onChange(e.target.value === "rollout" ? { rollout: values.map((v, i) => ({ value: v, weight: i === 0 ? 100 : 0 })) } : { value: values[0] })}>
        <option value="value">one value</option>
        <option value="rollout">a percentage rollout</option>
      </select>
      {"value" in serve ? (
        <ValueSelect values={values} value={serve.value} disabled={disabled} onChange={(v) => onChange({ value: v })} label={`${path} value`} />
      ) : (
        <>
          {values.map((v) => (
            <label key={valueKey(v)} className="inline-flex items-center gap-1">
              <input
                type="number"
                min={0}
                max={100}
                step={0.01}
                aria-label={`${path} ${String(v)} %`}
                className={cx(control, "w-20 text-right")}
                disabled={disabled}
                value={weightOf(v)}
                onChange={(e) => onChange({ rollout: values.map((x) => ({ value: x, weight: x === v ? Number(e.target.value) : weightOf(x) })) })}
              />
              <span className="text-xs">% {String(v)}</span>
            </label>
          ))}
          <span className={cx("text-xs", Math.abs(total - 100) > 0.001 ? "text-red-700" : "text-zinc-500")}>= {Math.round(total * 100) / 100} %</span>
        </>
      )}
      {problem.length ? <span className="w-full text-xs text-red-700">{problem.join(" ")}</span> : null}
    </div>
  );
}

function TestPanel({ flagKey, bucketBy }: { flagKey: string; bucketBy: string }) {
  const [text, setText] = useState(`{ "${bucketBy}": "customer-1", "country": "DE" }`);
  const [answer, setAnswer] = useState<FlagEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function ask() {
    setError(null);
    let context: unknown;
    try {
      context = JSON.parse(text);
    } catch {
      setError("The context is not JSON.");
      return;
    }
    try {
      setAnswer(await api<FlagEvaluation>(`/flags/${flagKey}/evaluate`, { body: { context } }));
    } catch (e) {
      setAnswer(null);
      setError((e as Error).message);
    }
  }
  return (
    <section className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4" aria-label="Test">
      <h2 className="text-sm font-semibold text-zinc-900">Test (saved version)</h2>
      <textarea aria-label="Context" className={cx(control, "h-24 w-full font-mono text-xs")} value={text} onChange={(e) => setText(e.target.value)} />
      <Button variant="secondary" size="sm" onClick={() => void ask()}>Evaluate</Button>
      {error ? <p role="alert" className="text-xs text-red-700">{error}</p> : null}
      {answer ? (
        <p className="rounded-md bg-indigo-50 px-2 py-1.5 text-sm text-indigo-900" data-testid="flag-answer">
          {describeEvaluation(answer)}
        </p>
      ) : null}
    </section>
  );
}

function History({ flag }: { flag: FlagDetail }) {
  const [shown, setShown] = useState<number | null>(null);
  const version = useQuery(flagVersionQuery(flag.key, shown));
  return (
    <section className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4" aria-label="History">
      <h2 className="text-sm font-semibold text-zinc-900">History</h2>
      <ol className="space-y-1 text-xs">
        {flag.versions.map((v) => (
          <li key={v.number}>
            <button type="button" className={cx("w-full rounded px-1.5 py-1 text-left hover:bg-zinc-50", shown === v.number && "bg-zinc-100")} onClick={() => setShown(shown === v.number ? null : v.number)}>
              <span className="font-medium">v{v.number}</span> {v.note ? `· ${v.note}` : ""} <span className="text-zinc-500">· {actorName(v.createdBy)} · {timeAgo(v.createdAt)}</span>
            </button>
          </li>
        ))}
      </ol>
      {shown !== null && version.data ? <JsonView value={version.data.definition} label={`Version ${shown}`} /> : null}
    </section>
  );
}

const move = <T,>(list: T[], from: number, to: number) => {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
};

const newId = (rules: { id: string }[]) => {
  for (let i = rules.length + 1; ; i++) if (!rules.some((r) => r.id === `rule-${i}`)) return `rule-${i}`;
};
