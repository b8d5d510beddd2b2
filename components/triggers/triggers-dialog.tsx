"use client";
// The editor's Triggers panel: what starts this workflow besides a person. Lists schedules and
// webhooks, adds and changes them, pauses them, and opens one to see its next fire times, its last
// fires or deliveries (with their runs), its webhook URL with a signed curl example, and who changed
// it when.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { triggerQuery, triggersKey, triggersQuery, type TriggerDetail, type TriggerView } from "#lib/client/queries.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { curlExample } from "#lib/triggers/curl.ts";
import type { CronConfig, TriggerKind, Verification } from "#lib/triggers/schemas.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { TextField } from "../ui/field.tsx";
import { CronPreview } from "./cron-preview.tsx";
import { TriggerForm } from "./trigger-form.tsx";

type Mode = { view: "list" } | { view: "new"; kind: TriggerKind } | { view: "edit"; trigger: TriggerView } | { view: "open"; id: string };

export function TriggersDialog({ open, onOpenChange, workflowId, versions, canEdit }: { open: boolean; onOpenChange(o: boolean): void; workflowId: string; versions: number[]; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const list = useQuery({ ...triggersQuery(workflowId), enabled: open, refetchInterval: open ? 5_000 : false });
  const [mode, setMode] = useState<Mode>({ view: "list" });
  const [secret, setSecret] = useState<{ triggerId: string; value: string } | null>(null);
  const [deleting, setDeleting] = useState<TriggerView | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: triggersKey(workflowId) });
  const toggle = useMutation({
    mutationFn: (t: TriggerView) => api(`/triggers/${t.id}`, { method: "PATCH", body: { paused: !t.paused } }),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: (t: TriggerView) => api(`/triggers/${t.id}`, { method: "DELETE" }), onSettled: refresh });
  const triggers = list.data?.triggers ?? [];
  const close = (o: boolean) => {
    onOpenChange(o);
    if (!o) {
      setMode({ view: "list" });
      setSecret(null);
    }
  };

  return (
    <Dialog open={open} onOpenChange={close} title="Triggers" description="Schedules, webhooks and events that start this workflow's active version (or a version pinned on the trigger)." size="xl">
      {mode.view === "new" || mode.view === "edit" ? (
        <TriggerForm
          workflowId={workflowId}
          kind={mode.view === "new" ? mode.kind : (mode.trigger.kind as TriggerKind)}
          trigger={mode.view === "edit" ? mode.trigger : undefined}
          versions={versions}
          onCancel={() => setMode({ view: "list" })}
          onSaved={(saved) => {
            void refresh();
            if (saved.secret) setSecret({ triggerId: saved.id, value: saved.secret });
            setMode({ view: "open", id: saved.id });
          }}
        />
      ) : mode.view === "open" ? (
        <TriggerPanel id={mode.id} secret={secret?.triggerId === mode.id ? secret.value : null} onSecret={(value) => setSecret({ triggerId: mode.id, value })} canEdit={canEdit} onBack={() => { setSecret(null); setMode({ view: "list" }); }} onEdit={(t) => setMode({ view: "edit", trigger: t })} />
      ) : (
        <div className="space-y-3">
          {canEdit ? (
            <div className="flex gap-2">
              <Button size="sm" onClick={() => setMode({ view: "new", kind: "cron" })}>Add schedule</Button>
              <Button size="sm" variant="secondary" onClick={() => setMode({ view: "new", kind: "webhook" })}>Add webhook</Button>
              <Button size="sm" variant="secondary" onClick={() => setMode({ view: "new", kind: "event" })}>Add event trigger</Button>
            </div>
          ) : null}
          {list.isSuccess && triggers.length === 0 ? (
            <p className="rounded-md border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-600">
              No triggers: runs start only from the Run button or the API. Add a schedule to run it on a timetable, or a webhook for another system to start it.
            </p>
          ) : (
            <ul aria-label="Triggers" className="divide-y divide-zinc-100 rounded-md border border-zinc-200">
              {triggers.map((t) => (
                <li key={t.id} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm" data-testid={`trigger-${t.name}`}>
                  <Badge tone={t.kind === "cron" ? "accent" : t.kind === "event" ? "success" : "info"}>{t.kind === "cron" ? "Schedule" : t.kind === "event" ? "Event" : "Webhook"}</Badge>
                  <button type="button" className="min-w-0 flex-1 text-left" onClick={() => setMode({ view: "open", id: t.id })} aria-label={`Open ${t.name}`}>
                    <span className="block truncate font-medium text-zinc-900 hover:underline">{t.name}</span>
                    <span className="block truncate text-xs text-zinc-600">{summary(t)}</span>
                  </button>
                  {t.paused ? <Badge tone="warning">Paused</Badge> : null}
                  {t.kind === "cron" && (t.missedFires ?? 0) > 0 ? <Badge tone="danger">{t.missedFires} missed</Badge> : null}
                  {canEdit ? (
                    <span className="flex gap-1">
                      <Button size="sm" variant="ghost" onClick={() => toggle.mutate(t)} aria-label={`${t.paused ? "Resume" : "Pause"} ${t.name}`}>{t.paused ? "Resume" : "Pause"}</Button>
                      <Button size="sm" variant="ghost" onClick={() => setMode({ view: "edit", trigger: t })} aria-label={`Edit ${t.name}`}>Edit</Button>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(t)} aria-label={`Delete ${t.name}`}>Delete</Button>
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {toggle.error || remove.error ? <p role="alert" className="text-sm text-red-700">{(toggle.error ?? remove.error)?.message}</p> : null}
          {canEdit ? <CallbackSigning workflowId={workflowId} /> : null}
        </div>
      )}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? "trigger"}?`}
        consequence="It stops starting runs at once. Runs it started keep their link to it."
        confirmLabel="Delete trigger"
        danger
        onConfirm={async () => {
          if (deleting) await remove.mutateAsync(deleting);
          setDeleting(null);
        }}
      />
    </Dialog>
  );
}

function summary(t: TriggerView): string {
  const c = t.config as Record<string, string>;
  if (t.kind === "cron") return `${c.cron} · ${c.timezone}${t.nextFireAt ? ` · next ${new Date(t.nextFireAt).toLocaleString()}` : ""}`;
  if (t.kind === "event") return `every ${c.eventType}${c.filter ? ` where ${c.filter}` : ""}`;
  return `${t.url} · ${c.verification === "standard" ? "Standard Webhooks" : c.verification}${c.response === "sync" ? " · answers with the output" : ""}`;
}

const fireTones: Record<string, "success" | "warning" | "danger" | "neutral" | "info"> = { started: "success", skipped: "warning", buffered: "info", failed: "danger", cancelled: "neutral", pending: "neutral" };

function TriggerPanel({ id, secret, onSecret, canEdit, onBack, onEdit }: { id: string; secret: string | null; onSecret(v: string): void; canEdit: boolean; onBack(): void; onEdit(t: TriggerView): void }) {
  const detail = useQuery({ ...triggerQuery(id), refetchInterval: 3_000 });
  const t = detail.data;
  if (!t) return detail.error ? <p role="alert" className="text-sm text-red-700">{detail.error.message}</p> : <p className="text-sm text-zinc-500">Loading…</p>;
  return (
    <div className="space-y-4" aria-label={`Trigger ${t.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" variant="ghost" onClick={onBack}>← All triggers</Button>
        <h3 className="flex-1 text-sm font-semibold text-zinc-900">{t.name}</h3>
        {t.paused ? <Badge tone="warning">Paused</Badge> : <Badge tone="success">Active</Badge>}
        {t.pinnedVersion ? <Badge>v{t.pinnedVersion}</Badge> : null}
        <Link href={`/runs?workflowId=${t.workflowId}&triggerId=${t.id}`} className="text-xs font-medium text-indigo-700 hover:underline">Its runs</Link>
        {canEdit ? <Button size="sm" variant="secondary" onClick={() => onEdit(t)}>Edit</Button> : null}
      </div>
      {t.kind === "cron" ? (
        <CronDetails t={t} canEdit={canEdit} />
      ) : t.kind === "event" ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-zinc-500">Event type</dt>
          <dd>
            <Link href={`/events?type=${String(t.config.eventType)}`} className="text-indigo-700 hover:underline">{String(t.config.eventType)}</Link>
          </dd>
          <dt className="text-zinc-500">Filter</dt>
          <dd className="font-mono">{t.config.filter ? String(t.config.filter) : "none: every event"}</dd>
        </dl>
      ) : (
        <WebhookDetails t={t} secret={secret} onSecret={onSecret} canEdit={canEdit} />
      )}
      <section aria-label="History">
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">History</h4>
        <ol className="space-y-0.5 text-xs text-zinc-700">
          {t.history.map((h) => (
            <li key={h.id}>
              <span className="text-zinc-500" title={fullTime(h.at)}>{timeAgo(h.at)}</span> · {actorName(h.actor)} · {h.action.replace("trigger.", "").replace("_", " ")}
              {h.action === "trigger.updated" ? <span className="text-zinc-500"> ({changed(h.data)})</span> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

/** What an update changed, from the before and after it recorded. */
function changed(data: unknown): string {
  const { before, after } = (data ?? {}) as { before?: Record<string, unknown>; after?: Record<string, unknown> };
  if (!before || !after) return "";
  return Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).join(", ") || "no change";
}

function CronDetails({ t, canEdit }: { t: TriggerDetail; canEdit: boolean }) {
  const config = t.config as unknown as CronConfig;
  return (
    <>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">Schedule</dt>
        <dd className="font-mono">{config.cron} ({config.timezone})</dd>
        <dt className="text-zinc-500">Clock changes</dt>
        <dd>skipped time: {config.onSkippedTime}; repeated time: {config.onRepeatedTime}</dd>
        <dt className="text-zinc-500">Overlap</dt>
        <dd>{config.overlap}</dd>
        <dt className="text-zinc-500">Missed fires</dt>
        <dd>{t.missedFires ?? 0}{t.lastMissedAt ? <span className="text-zinc-500"> (last counted {timeAgo(t.lastMissedAt)}, older than the {config.catchupWindowMs / 60_000} min catch-up window)</span> : null}</dd>
      </dl>
      {!t.paused ? (
        <section aria-label="Upcoming">
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Next 10 fire times</h4>
          <CronPreview config={config} />
        </section>
      ) : null}
      <section aria-label="Recent fires">
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Recent fires</h4>
        {t.fires.length === 0 ? (
          <p className="text-xs text-zinc-500">None yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200 text-xs">
            {t.fires.map((f) => (
              <li key={f.scheduledAt} className="flex flex-wrap items-center gap-2 px-2 py-1">
                <span className="font-mono">{new Date(f.scheduledAt).toLocaleString()}</span>
                <Badge tone={fireTones[f.status] ?? "neutral"}>{f.status}</Badge>
                {f.backfill ? <Badge>backfill</Badge> : null}
                {f.runId ? <Link href={`/runs/${f.runId}`} className="font-mono text-indigo-700 hover:underline">{f.runId.slice(0, 8)}</Link> : null}
                {f.reason ? <span className="text-zinc-600">{f.reason}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {canEdit ? <Backfill triggerId={t.id} /> : null}
    </>
  );
}

function Backfill({ triggerId }: { triggerId: string }) {
  const queryClient = useQueryClient();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const run = useMutation({
    mutationFn: () => api<{ fires: number; alreadyRecorded: number }>(`/triggers/${triggerId}/backfill`, { body: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["trigger", triggerId] }),
  });
  const problem = run.error instanceof ApiProblem ? run.error : null;
  return (
    <section aria-label="Backfill" className="rounded-md border border-zinc-200 p-3">
      <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Backfill</h4>
      <p className="mb-2 text-xs text-zinc-600">Start the runs this schedule would have started in a past range, one after another.</p>
      <div className="flex flex-wrap items-end gap-2">
        <TextField label="From" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} error={problem?.fieldError("from")} />
        <TextField label="To" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} error={problem?.fieldError("to")} />
        <Button size="sm" onClick={() => run.mutate()} disabled={!from || !to || run.isPending}>Backfill</Button>
      </div>
      {run.data ? <p role="status" className="mt-2 text-xs text-emerald-700">{run.data.fires} fire times added{run.data.alreadyRecorded ? `, ${run.data.alreadyRecorded} were already recorded` : ""}.</p> : null}
      {run.error && !problem?.errors.length ? <p role="alert" className="mt-2 text-xs text-red-700">{run.error.message}</p> : null}
    </section>
  );
}

function WebhookDetails({ t, secret, onSecret, canEdit }: { t: TriggerDetail; secret: string | null; onSecret(v: string): void; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const config = t.config as { verification: Verification; response: string };
  const url = `${typeof window === "undefined" ? "" : window.location.origin}${t.url}`;
  const rotate = useMutation({
    mutationFn: () => api<{ secret: string }>(`/triggers/${t.id}/rotate-secret`, { body: {} }),
    onSuccess: (r) => onSecret(r.secret),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["trigger", t.id] }),
  });
  return (
    <>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">URL</dt>
        <dd className="font-mono break-all" data-testid="webhook-url">{config.verification === "token" ? `${url}/<token>` : url}</dd>
        <dt className="text-zinc-500">Verification</dt>
        <dd>
          {config.verification === "token" ? <Badge tone="warning">URL token: weaker, anyone with the URL can call it</Badge> : config.verification === "standard" ? "Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)" : config.verification === "stripe" ? "Stripe (Stripe-Signature)" : "GitHub (X-Hub-Signature-256)"}
        </dd>
        <dt className="text-zinc-500">Signing secret</dt>
        <dd>
          set {timeAgo(t.secretSetAt)}
          {t.previousSecretValidUntil ? <span className="text-zinc-500"> · the previous one verifies until {new Date(t.previousSecretValidUntil).toLocaleString()}</span> : null}
          {canEdit ? (
            <Button size="sm" variant="ghost" className="ml-2" onClick={() => rotate.mutate()} disabled={rotate.isPending}>Rotate secret</Button>
          ) : null}
        </dd>
      </dl>
      {secret ? (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-medium">The signing secret, shown this once: store it with the sender now.</p>
          <code className="mt-1 block font-mono text-xs break-all select-all" data-testid="webhook-secret">{secret}</code>
        </div>
      ) : null}
      <section aria-label="Try it">
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Try it: a signed request</h4>
        <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 font-mono text-xs text-zinc-100" data-testid="curl-example">{curlExample(config.verification, url, secret)}</pre>
      </section>
      <section aria-label="Recent deliveries">
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Last 50 deliveries</h4>
        {t.deliveries.length === 0 ? (
          <p className="text-xs text-zinc-500">None yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200 text-xs">
            {t.deliveries.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center gap-2 px-2 py-1">
                <span className="text-zinc-500" title={fullTime(d.receivedAt)}>{timeAgo(d.receivedAt)}</span>
                <Badge tone={d.status < 300 ? "success" : d.status < 500 ? "warning" : "danger"}>{d.status}</Badge>
                {d.webhookId ? <span className="font-mono text-zinc-600">{d.webhookId}</span> : null}
                {d.duplicate ? <Badge>redelivery</Badge> : null}
                {d.runId ? <Link href={`/runs/${d.runId}`} className="font-mono text-indigo-700 hover:underline">{d.runId.slice(0, 8)}</Link> : null}
                {d.error ? <span className="text-zinc-600">{d.error}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** The secret that signs this workflow's result callbacks: shown on request (audited), rotated with a day's grace. */
function CallbackSigning({ workflowId }: { workflowId: string }) {
  const reveal = useMutation({ mutationFn: () => api<{ secret: string; secretSetAt: string | null; previousSecretValidUntil: string | null }>(`/workflows/${workflowId}/signing-secret`) });
  const rotate = useMutation({ mutationFn: () => api<{ secret: string; secretSetAt: string | null; previousSecretValidUntil: string | null }>(`/workflows/${workflowId}/signing-secret`, { body: {} }) });
  const shown = rotate.data ?? reveal.data;
  return (
    <section aria-label="Result callbacks" className="rounded-md border border-zinc-200 p-3 text-sm">
      <h3 className="font-medium text-zinc-900">Result callbacks</h3>
      <p className="text-xs text-zinc-600">
        A run started with a <code className="font-mono">callbackUrl</code> POSTs its result there when it ends, as a Standard Webhook signed with this workflow&apos;s secret (headers webhook-id, webhook-timestamp,
        webhook-signature), so the receiver can verify it with any Standard Webhooks library. A 410 answer stops deliveries to that URL.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <Button size="sm" variant="secondary" onClick={() => reveal.mutate()} disabled={reveal.isPending}>Show signing secret</Button>
        <Button size="sm" variant="ghost" onClick={() => rotate.mutate()} disabled={rotate.isPending}>Rotate</Button>
        {shown?.previousSecretValidUntil ? <span className="text-xs text-zinc-500">the previous secret signs too until {new Date(shown.previousSecretValidUntil).toLocaleString()}</span> : null}
      </div>
      {shown ? <code className="mt-2 block font-mono text-xs break-all select-all" data-testid="callback-secret">{shown.secret}</code> : null}
      {reveal.error || rotate.error ? <p role="alert" className="mt-1 text-xs text-red-700">{(reveal.error ?? rotate.error)?.message}</p> : null}
    </section>
  );
}
