"use client";
// Alerts: channels (where notifications go, each with a test send), rules (when to alert), and
// the history of what fired and resolved, with each delivery's outcome. Admins change channels
// and rules; everyone may read the history.
import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, fieldErrorsOf } from "#lib/client/api.ts";
import { cx } from "#lib/client/cx.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { workflowsQuery } from "#lib/client/queries.ts";
import { ALERT_KINDS } from "#lib/alerts/kinds.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { useCan } from "../shell/current-user.tsx";

interface Channel {
  id: string;
  name: string;
  kind: "webhook" | "slack" | "email";
  config: { url?: string; host?: string; to?: string[]; credential?: string };
  signed: boolean;
}
interface Rule {
  id: string;
  name: string;
  kind: string;
  workflowId: string | null;
  params: { percent?: number; windowMinutes?: number; minRuns?: number; maxPerHour?: number };
  channelIds: string[];
  enabled: boolean;
}
interface Delivery {
  id: string;
  channel: string | null;
  kind: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
  nextAttemptAt?: string | null;
  createdAt?: string;
}
interface AlertRow {
  id: string;
  ruleName: string | null;
  subject: string;
  state: "firing" | "resolved";
  message: string;
  data: { path?: string; suppressed?: number };
  firedAt: string;
  resolvedAt: string | null;
  deliveries: Delivery[];
}

const KIND_LABELS: Record<string, string> = {
  run_failed: "A run failed",
  dead_letter: "A step went to the dead letters",
  run_stuck: "A run is stuck",
  approval_requested: "An approval is waiting (its people get their own decision links)",
  approval_overdue: "An approval is past its deadline",
  breaker_opened: "A circuit breaker opened",
  no_run: "No run within a window",
  failure_rate: "Failure rate over a threshold",
};
const target = (c: Channel) => (c.kind === "email" ? (c.config.to ?? []).join(", ") : c.kind === "slack" ? `${c.config.host} (URL sealed)` : c.config.url);
const deliveryTone = (s: Delivery["status"]) => (s === "delivered" ? "success" : s === "failed" ? "danger" : "warning");

export function AlertsSettings() {
  const qc = useQueryClient();
  const isAdmin = useCan("admin");
  const channels = useQuery({ queryKey: ["alert-channels"], queryFn: () => api<{ channels: Channel[] }>("/alert-channels") });
  const rules = useQuery({ queryKey: ["alert-rules"], queryFn: () => api<{ rules: Rule[] }>("/alert-rules") });
  const history = useQuery({ queryKey: ["alerts"], queryFn: () => api<{ alerts: AlertRow[]; tests: Delivery[] }>("/alerts"), refetchInterval: 3_000 });
  const workflows = useQuery(workflowsQuery()).data?.workflows ?? [];
  const [adding, setAdding] = useState<"channel" | "rule" | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => Promise.all(["alert-channels", "alert-rules", "alerts"].map((k) => qc.invalidateQueries({ queryKey: [k] })));
  const channelName = (id: string) => channels.data?.channels.find((c) => c.id === id)?.name ?? "(deleted)";

  return (
    <div className="space-y-8">
      <section aria-labelledby="channels-heading" className="space-y-3">
        <div className="flex items-center justify-between">
          <div>
            <h2 id="channels-heading" className="text-sm font-semibold text-zinc-900">Channels</h2>
            <p className="text-sm text-zinc-600">Where alerts go. Webhooks are signed (Standard Webhooks) like result callbacks.</p>
          </div>
          {isAdmin ? <Button onClick={() => setAdding("channel")}>Add channel</Button> : null}
        </div>
        {channels.data?.channels.length === 0 ? (
          <EmptyState title="No channels">Add a webhook, a Slack incoming webhook or an email address, then a rule that sends to it.</EmptyState>
        ) : (
          <Table label="Alert channels">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Kind</Th>
                <Th>Sends to</Th>
                <Th className="text-right">Actions</Th>
              </tr>
            </thead>
            <tbody>
              {channels.data?.channels.map((c) => (
                <tr key={c.id} data-testid={`channel-${c.name}`}>
                  <Td className="font-medium">{c.name}</Td>
                  <Td>{c.kind}{c.signed && c.kind === "webhook" ? " (signed)" : ""}</Td>
                  <Td className="max-w-xs truncate font-mono text-xs">{target(c)}</Td>
                  <Td className="text-right">
                    {isAdmin ? (
                      <span className="inline-flex gap-1">
                        <Button variant="secondary" size="sm" onClick={async () => { await api(`/alert-channels/${c.id}/test`, { body: {} }); await refresh(); }}>Send test</Button>
                        <Button variant="ghost" size="sm" onClick={async () => { await api(`/alert-channels/${c.id}`, { method: "DELETE" }); await refresh(); }} aria-label={`Delete ${c.name}`}>Delete</Button>
                      </span>
                    ) : null}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {history.data?.tests.length ? (
          <p className="text-xs text-zinc-600" data-testid="test-sends">
            Test sends:{" "}
            {history.data.tests.slice(0, 5).map((t) => (
              <span key={t.id} className="mr-3">
                {t.channel} <Badge tone={deliveryTone(t.status)}>{t.status}</Badge> {t.attempts > 1 ? `after ${t.attempts} attempts` : ""} {t.lastError ? `(${t.lastError})` : ""}
              </span>
            ))}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="rules-heading" className="space-y-3">
        <div className="flex items-center justify-between">
          <div>
            <h2 id="rules-heading" className="text-sm font-semibold text-zinc-900">Rules</h2>
            <p className="text-sm text-zinc-600">Checked every few seconds. One alert per rule and subject while it lasts; a notice again when it clears.</p>
          </div>
          {isAdmin ? <Button onClick={() => setAdding("rule")} disabled={!channels.data?.channels.length}>Add rule</Button> : null}
        </div>
        {rules.data?.rules.length === 0 ? (
          <EmptyState title="No rules">Add one, such as “a run failed” for every workflow.</EmptyState>
        ) : (
          <Table label="Alert rules">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>When</Th>
                <Th>Workflow</Th>
                <Th>Channels</Th>
                <Th className="text-right">State</Th>
              </tr>
            </thead>
            <tbody>
              {rules.data?.rules.map((r) => (
                <tr key={r.id} data-testid={`rule-${r.name}`}>
                  <Td className="font-medium">{r.name}</Td>
                  <Td className="text-xs">
                    {KIND_LABELS[r.kind]}
                    {r.kind === "failure_rate" ? ` (${r.params.percent ?? 20} % over ${r.params.windowMinutes ?? 15} min, at least ${r.params.minRuns ?? 10} runs)` : ""}
                    {r.kind === "no_run" ? ` (${r.params.windowMinutes ?? 60} min)` : ""}
                  </Td>
                  <Td className="text-xs">{r.workflowId ? (workflows.find((w) => w.id === r.workflowId)?.name ?? r.workflowId) : "all"}</Td>
                  <Td className="text-xs">{r.channelIds.map(channelName).join(", ")}</Td>
                  <Td className="text-right">
                    {isAdmin ? (
                      <span className="inline-flex gap-1">
                        <Button variant="secondary" size="sm" onClick={async () => { await api(`/alert-rules/${r.id}`, { method: "PATCH", body: { enabled: !r.enabled } }); await refresh(); }}>
                          {r.enabled ? "Pause" : "Resume"}
                        </Button>
                        <Button variant="ghost" size="sm" onClick={async () => { await api(`/alert-rules/${r.id}`, { method: "DELETE" }); await refresh(); }} aria-label={`Delete ${r.name}`}>Delete</Button>
                      </span>
                    ) : (
                      <Badge tone={r.enabled ? "success" : "neutral"}>{r.enabled ? "on" : "paused"}</Badge>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <section aria-labelledby="history-heading" className="space-y-3">
        <h2 id="history-heading" className="text-sm font-semibold text-zinc-900">History</h2>
        {history.data?.alerts.length === 0 ? (
          <EmptyState title="Nothing has fired">Alerts show here with each delivery&apos;s outcome.</EmptyState>
        ) : (
          <Table label="Alert history">
            <thead>
              <tr>
                <Th>Fired</Th>
                <Th>Rule</Th>
                <Th>What</Th>
                <Th>State</Th>
                <Th>Deliveries</Th>
              </tr>
            </thead>
            <tbody>
              {history.data?.alerts.map((a) => (
                <tr key={a.id} data-testid="alert-row">
                  <Td className="whitespace-nowrap text-xs" title={fullTime(a.firedAt)}>{timeAgo(a.firedAt)}</Td>
                  <Td className="text-xs font-medium">{a.ruleName ?? "(deleted rule)"}</Td>
                  <Td className="text-xs">
                    {a.data.path ? <a className="text-indigo-700 hover:underline" href={a.data.path}>{a.message}</a> : a.message}
                    {a.data.suppressed ? <span className="ml-1 text-zinc-500">({a.data.suppressed} more not sent: over the rule&apos;s rate)</span> : null}
                  </Td>
                  <Td>
                    <Badge tone={a.state === "firing" ? "danger" : "success"}>{a.state}</Badge>
                    {a.resolvedAt ? <span className="ml-1 text-xs text-zinc-500">{timeAgo(a.resolvedAt)}</span> : null}
                  </Td>
                  <Td className="text-xs">
                    <ul className="space-y-0.5">
                      {a.deliveries.map((d) => (
                        <li key={d.id} className={cx(d.status === "failed" && "text-red-700")}>
                          {d.kind} → {d.channel ?? "(deleted)"}: <Badge tone={deliveryTone(d.status)}>{d.status}</Badge>
                          {d.attempts > 1 ? ` after ${d.attempts} attempts` : ""}
                          {d.lastError ? ` (${d.lastError})` : ""}
                        </li>
                      ))}
                    </ul>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <NewChannel open={adding === "channel"} onClose={() => setAdding(null)} onCreated={async (s) => { setSecret(s); setAdding(null); await refresh(); }} />
      <NewRule open={adding === "rule"} onClose={() => setAdding(null)} channels={channels.data?.channels ?? []} workflows={workflows} onCreated={async () => { setAdding(null); await refresh(); }} />
      <Dialog open={secret !== null} onOpenChange={(o) => !o && setSecret(null)} title="The webhook's signing secret" description="Shown once. The receiver verifies each delivery with it (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).">
        <p className="break-all rounded bg-zinc-100 p-2 font-mono text-xs" data-testid="channel-secret">{secret}</p>
      </Dialog>
    </div>
  );
}

function NewChannel({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(secret: string | null): void }) {
  const [kind, setKind] = useState<Channel["kind"]>("webhook");
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const credential = String(form.get("credential") ?? "").trim();
    const body =
      kind === "email"
        ? { kind, name: form.get("name"), to: String(form.get("to") ?? "").split(",").map((s) => s.trim()).filter(Boolean), ...(credential ? { credential } : {}) }
        : { kind, name: form.get("name"), url: form.get("url") };
    try {
      const created = await api<{ secret?: string }>("/alert-channels", { body });
      setErrors({});
      onCreated(created.secret ?? null);
    } catch (error) {
      setErrors(fieldErrorsOf(error, "name"));
    }
  }
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title="Add a channel">
      <form onSubmit={submit} className="space-y-3">
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as Channel["kind"])} options={[{ value: "webhook", label: "Webhook (signed JSON)" }, { value: "slack", label: "Slack-compatible incoming webhook" }, { value: "email", label: "Email" }]} />
        <TextField label="Name" name="name" required placeholder="On-call" error={errors.name} />
        {kind === "email" ? (
          <>
            <TextField label="To" name="to" required placeholder="oncall@example.com, lead@example.com" error={errors.to ?? errors["to.0"]} />
            <TextField label="SMTP credential" name="credential" hint="Empty: written to Settings → Outbox." error={errors.credential} />
          </>
        ) : (
          <TextField label="URL" name="url" required placeholder={kind === "slack" ? "https://hooks.slack.com/services/…" : "https://alerts.example.com/baton"} error={errors.url} />
        )}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit">Add</Button>
        </div>
      </form>
    </Dialog>
  );
}

function NewRule({ open, onClose, channels, workflows, onCreated }: { open: boolean; onClose(): void; channels: Channel[]; workflows: { id: string; name: string }[]; onCreated(): void }) {
  const [kind, setKind] = useState<string>("run_failed");
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const workflowId = String(form.get("workflowId") ?? "");
    const params =
      kind === "failure_rate"
        ? { percent: Number(form.get("percent")), windowMinutes: Number(form.get("windowMinutes")), minRuns: Number(form.get("minRuns")) }
        : kind === "no_run"
          ? { windowMinutes: Number(form.get("windowMinutes")) }
          : {};
    try {
      await api("/alert-rules", { body: { name: form.get("name"), kind, ...(workflowId ? { workflowId } : {}), params, channelIds: form.getAll("channelIds") } });
      setErrors({});
      onCreated();
    } catch (error) {
      setErrors(fieldErrorsOf(error, "name"));
    }
  }
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title="Add a rule">
      <form onSubmit={submit} className="space-y-3">
        <TextField label="Name" name="name" required placeholder="Checkout failed" error={errors.name} />
        <SelectField label="When" value={kind} onChange={(e) => setKind(e.target.value)} options={ALERT_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))} />
        <SelectField label="Workflow" name="workflowId" options={[{ value: "", label: "Every workflow" }, ...workflows.map((w) => ({ value: w.id, label: w.name }))]} />
        {kind === "failure_rate" ? (
          <div className="grid grid-cols-3 gap-2">
            <TextField label="Over (%)" name="percent" type="number" min={0} max={100} defaultValue={20} error={errors["params.percent"]} />
            <TextField label="Window (min)" name="windowMinutes" type="number" min={1} defaultValue={15} error={errors["params.windowMinutes"]} />
            <TextField label="At least (runs)" name="minRuns" type="number" min={1} defaultValue={10} error={errors["params.minRuns"]} />
          </div>
        ) : null}
        {kind === "no_run" ? <TextField label="No run for (min)" name="windowMinutes" type="number" min={1} defaultValue={60} hint="Every workflow: those with a schedule (cron trigger)." error={errors["params.windowMinutes"]} /> : null}
        <fieldset>
          <legend className="text-sm font-medium text-zinc-800">Send to</legend>
          {channels.map((c) => (
            <label key={c.id} className="mr-4 inline-flex items-center gap-1.5 text-sm">
              <input type="checkbox" name="channelIds" value={c.id} defaultChecked={channels.length === 1} /> {c.name}
            </label>
          ))}
          {errors.channelIds ? <p className="text-xs text-red-700">{errors.channelIds}</p> : null}
        </fieldset>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit">Add</Button>
        </div>
      </form>
    </Dialog>
  );
}
