"use client";
// Adding or changing a trigger: a cron schedule (with its next fire times as you type) or a
// webhook (its verification scheme, answer mode, body limit and schema). The run's input is a
// JSON template over what fired it. Field errors come from the same zod schemas as the API's.
import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "#lib/client/api.ts";
import { useQuery } from "@tanstack/react-query";
import { eventTypesQuery, type TriggerView } from "#lib/client/queries.ts";
import { REPEATED_TIME_POLICIES, SKIPPED_TIME_POLICIES, cronProblem, timezoneProblem } from "#lib/triggers/schedule.ts";
import { OVERLAP_POLICIES, VERIFICATIONS, defaultInputs, overlapDescriptions, verificationDescriptions, type TriggerKind } from "#lib/triggers/schemas.ts";
import { Button } from "../ui/button.tsx";
import { Field, SelectField, TextField } from "../ui/field.tsx";
import { CronPreview } from "./cron-preview.tsx";

const skippedLabels = { shift: "Run at the next valid minute (shift)", skip: "Do not run that day (skip)" };
const repeatedLabels = { first: "Run on the first occurrence (first)", last: "Run on the second occurrence (last)", both: "Run on both (both)" };

interface Props {
  workflowId: string;
  kind: TriggerKind;
  trigger?: TriggerView;
  versions: number[];
  onSaved(trigger: TriggerView & { secret?: string }): void;
  onCancel(): void;
}

export function TriggerForm({ workflowId, kind, trigger, versions, onSaved, onCancel }: Props) {
  const config = (trigger?.config ?? {}) as Record<string, unknown>;
  const [name, setName] = useState(trigger?.name ?? (kind === "cron" ? "Every weekday at 09:00" : kind === "event" ? "On event" : "Incoming webhook"));
  const [cron, setCron] = useState((config.cron as string) ?? "0 9 * * 1-5");
  const [timezone, setTimezone] = useState((config.timezone as string) ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [onSkippedTime, setSkipped] = useState((config.onSkippedTime as string) ?? "shift");
  const [onRepeatedTime, setRepeated] = useState((config.onRepeatedTime as string) ?? "first");
  const [overlap, setOverlap] = useState((config.overlap as string) ?? "skip");
  const [catchupMinutes, setCatchup] = useState(String(((config.catchupWindowMs as number) ?? 3_600_000) / 60_000));
  const [verification, setVerification] = useState((config.verification as string) ?? "standard");
  const [response, setResponse] = useState((config.response as string) ?? "async");
  const [syncSeconds, setSyncSeconds] = useState(String(((config.syncTimeoutMs as number) ?? 10_000) / 1000));
  const [maxKb, setMaxKb] = useState(String(((config.maxBodyBytes as number) ?? 262_144) / 1024));
  const [schema, setSchema] = useState(config.schema ? JSON.stringify(config.schema, null, 2) : "");
  const [senderSecret, setSenderSecret] = useState("");
  const [eventType, setEventType] = useState((config.eventType as string) ?? "");
  const [filter, setFilter] = useState((config.filter as string) ?? "");
  const eventTypes = useQuery({ ...eventTypesQuery(), enabled: kind === "event" });
  const [input, setInput] = useState(JSON.stringify(trigger?.input ?? defaultInputs[kind], null, 2));
  const [pinned, setPinned] = useState(trigger?.pinnedVersion ? String(trigger.pinnedVersion) : "");
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  const cronError = cronProblem(cron) ?? undefined;
  const zoneError = timezoneProblem(timezone) ?? undefined;
  const err = (path: string) => localError[path] ?? problem?.fieldError(path);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed: Record<string, unknown> = {};
    const errors: Record<string, string> = {};
    for (const [key, text] of [["input", input], ["config.schema", schema]] as const) {
      if (!text.trim()) continue;
      try {
        parsed[key] = JSON.parse(text);
      } catch {
        errors[key] = "This is not valid JSON.";
      }
    }
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    const kindConfig =
      kind === "cron"
        ? { cron, timezone, onSkippedTime, onRepeatedTime, overlap, catchupWindowMs: Math.round(Number(catchupMinutes) * 60_000) }
        : kind === "event"
          ? { eventType, ...(filter.trim() ? { filter } : {}) }
          : { verification, response, syncTimeoutMs: Math.round(Number(syncSeconds) * 1000), maxBodyBytes: Math.round(Number(maxKb) * 1024), ...(parsed["config.schema"] ? { schema: parsed["config.schema"] } : {}) };
    const common = { name, input: parsed.input ?? null, pinnedVersion: pinned ? Number(pinned) : null };
    setPending(true);
    try {
      const saved = trigger
        ? await api<TriggerView>(`/triggers/${trigger.id}`, { method: "PATCH", body: { ...common, config: kindConfig } })
        : await api<TriggerView & { secret?: string }>(`/workflows/${workflowId}/triggers`, {
            body: { kind, ...common, input: parsed.input, config: kindConfig, ...(kind === "webhook" && senderSecret.trim() ? { secret: senderSecret.trim() } : {}) },
          });
      onSaved(saved);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { detail: String(error) }));
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label={trigger ? `Edit trigger ${trigger.name}` : `New ${kind === "cron" ? "schedule" : kind === "event" ? "event trigger" : "webhook"}`}>
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required error={err("name")} />
      {kind === "cron" ? (
        <>
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              label="Cron expression"
              value={cron}
              onChange={(e) => setCron(e.target.value)}
              className="font-mono"
              error={cronError ?? err("config.cron")}
              hint="minute hour day-of-month month day-of-week, or @hourly, @daily, @weekly, @monthly"
            />
            <TextField label="Time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} list="baton-time-zones" error={zoneError ?? err("config.timezone")} hint="An IANA name, e.g. Europe/Berlin" />
            <datalist id="baton-time-zones">
              {Intl.supportedValuesOf("timeZone").map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            <SelectField label="A time the clock skips (spring forward)" value={onSkippedTime} onChange={(e) => setSkipped(e.target.value)} options={SKIPPED_TIME_POLICIES.map((v) => ({ value: v, label: skippedLabels[v] }))} />
            <SelectField label="A time the clock repeats (fall back)" value={onRepeatedTime} onChange={(e) => setRepeated(e.target.value)} options={REPEATED_TIME_POLICIES.map((v) => ({ value: v, label: repeatedLabels[v] }))} />
            <SelectField label="When the previous run is still going" value={overlap} onChange={(e) => setOverlap(e.target.value)} options={OVERLAP_POLICIES.map((v) => ({ value: v, label: `${v}: ${overlapDescriptions[v]}` }))} />
            <TextField label="Catch-up window (minutes)" type="number" min={0} value={catchupMinutes} onChange={(e) => setCatchup(e.target.value)} error={err("config.catchupWindowMs")} hint="After downtime, older fires are counted as missed; the rest run once each, oldest first." />
          </div>
          {!cronError && !zoneError ? (
            <div className="space-y-1">
              <p className="text-sm font-medium text-zinc-800">Next 10 fire times</p>
              <CronPreview config={{ cron, timezone, onSkippedTime: onSkippedTime as "shift", onRepeatedTime: onRepeatedTime as "first" }} />
            </div>
          ) : null}
        </>
      ) : kind === "event" ? (
        <>
          <SelectField
            label="Event type"
            value={eventType}
            onChange={(e) => setEventType(e.target.value)}
            error={err("config.eventType")}
            options={[{ value: "", label: "(choose a type)" }, ...(eventTypes.data?.eventTypes ?? []).map((t) => ({ value: t.name, label: `${t.name} (v${t.version})` }))]}
            hint="Every event of this type starts a run, unless the filter says otherwise."
          />
          <TextField label="Filter (JSONata, optional)" value={filter} onChange={(e) => setFilter(e.target.value)} className="font-mono" placeholder="event.data.total > 100" error={err("config.filter")} hint="Only events it is true for start a run." />
        </>
      ) : (
        <>
          <SelectField label="Verification" value={verification} onChange={(e) => setVerification(e.target.value)} options={VERIFICATIONS.map((v) => ({ value: v, label: verificationDescriptions[v] }))} disabled={!!trigger} hint={trigger ? "Make a new trigger to change how it is verified." : undefined} />
          {!trigger && (verification === "stripe" || verification === "github") ? (
            <TextField label="Signing secret from the sender (optional)" type="password" autoComplete="off" value={senderSecret} onChange={(e) => setSenderSecret(e.target.value)} error={err("secret")} hint={verification === "stripe" ? "Stripe's endpoint secret (whsec_…). Empty: Baton makes one to paste into the sender." : "The secret set on the GitHub webhook. Empty: Baton makes one to paste into GitHub."} />
          ) : null}
          <div className="grid gap-3 sm:grid-cols-3">
            <SelectField label="Answer" value={response} onChange={(e) => setResponse(e.target.value)} options={[{ value: "async", label: "202 with the run id at once" }, { value: "sync", label: "Wait for the run's output" }]} />
            <TextField label="Wait at most (seconds)" type="number" min={1} max={30} value={syncSeconds} onChange={(e) => setSyncSeconds(e.target.value)} disabled={response !== "sync"} error={err("config.syncTimeoutMs")} />
            <TextField label="Body limit (KB)" type="number" min={1} max={1024} value={maxKb} onChange={(e) => setMaxKb(e.target.value)} error={err("config.maxBodyBytes")} />
          </div>
          <Field label="Body schema (JSON Schema, optional)" error={err("config.schema")} hint="A body that does not match is refused with 422 naming the fields; nothing starts.">
            {(p) => <textarea {...p} rows={4} value={schema} onChange={(e) => setSchema(e.target.value)} className={`${p.className} font-mono text-xs`} placeholder='{ "type": "object", "required": ["orderId"] }' />}
          </Field>
        </>
      )}
      <Field
        label="Run input (JSON; strings may be {{ templates }})"
        error={err("input")}
        hint={kind === "cron" ? "Templates see trigger.scheduledAt, trigger.name, trigger.backfill." : kind === "event" ? "Templates see event (type, id, data, correlationId, occurredAt) and trigger." : "Templates see body, headers, query and trigger.webhookId."}
      >
        {(p) => <textarea {...p} rows={3} value={input} onChange={(e) => setInput(e.target.value)} className={`${p.className} font-mono text-xs`} />}
      </Field>
      <SelectField label="Version to start" value={pinned} onChange={(e) => setPinned(e.target.value)} error={err("pinnedVersion")} options={[{ value: "", label: "The active version" }, ...versions.map((v) => ({ value: String(v), label: `Always v${v}` }))]} />
      {problem && !problem.errors.length ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{problem.message}</p> : null}
      {problem?.errors.length ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {problem.message} {problem.errors.filter((e) => !["name", "pinnedVersion", "input", "secret"].includes(e.path) && !e.path.startsWith("config.")).map((e) => `${e.path}: ${e.message}`).join("; ")}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>Cancel</Button>
        <Button type="submit" disabled={pending || (kind === "cron" && (!!cronError || !!zoneError))}>{trigger ? "Save trigger" : kind === "cron" ? "Add schedule" : kind === "event" ? "Add event trigger" : "Add webhook"}</Button>
      </div>
    </form>
  );
}
