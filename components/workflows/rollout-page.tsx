"use client";
// A workflow's canary rollout: the versions compared side by side while it runs, with promote
// and roll back; or a form to start one (a published version, its share of new runs, the key
// runs stick by, an automatic rollback). Its history says who did what and why.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, fieldErrorsOf } from "#lib/client/api.ts";
import { timeAgo } from "#lib/client/format.ts";
import { rolloutKey, rolloutQuery, type RolloutDetail } from "#lib/client/queries.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { useCan } from "../shell/current-user.tsx";
import { RolloutComparison } from "./rollout-comparison.tsx";

export function RolloutPage({ workflowId }: { workflowId: string }) {
  const query = useQuery({ ...rolloutQuery(workflowId), refetchInterval: 5_000 });
  if (query.error) return <p role="alert" className="text-sm text-red-700">{query.error.message}</p>;
  if (!query.data) return <p className="text-sm text-zinc-500">Loading rollout…</p>;
  const r = query.data;
  return (
    <div className="space-y-5">
      <header>
        <p className="text-sm text-zinc-500">
          <Link href="/workflows" className="hover:underline">Workflows</Link> / <Link href={`/workflows/${r.id}`} className="hover:underline">{r.name}</Link> /
        </p>
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Rollout</h1>
        <p className="mt-0.5 text-sm text-zinc-600">
          {r.active === null ? "Nothing published yet." : r.rollout ? `Stable v${r.active} with ${r.rollout.versions.map((c) => `v${c.version} at ${c.weight} %`).join(", ")}.` : `Every new run uses v${r.active}.`}
        </p>
      </header>
      {r.rollout ? <Running detail={r} /> : r.active !== null ? <StartCanary detail={r} /> : null}
      <History detail={r} />
    </div>
  );
}

function Running({ detail }: { detail: RolloutDetail }) {
  const qc = useQueryClient();
  const canEdit = useCan("workflows.write");
  const canStop = useCan("rollouts.stop");
  const [confirm, setConfirm] = useState<"promote" | "rollback" | null>(null);
  const [reason, setReason] = useState("");
  const rollout = detail.rollout!;
  const canary = rollout.versions[0].version;
  const refresh = () => qc.invalidateQueries({ queryKey: rolloutKey(detail.id) });
  return (
    <section className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4" aria-label="Canary">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 className="text-sm font-semibold text-zinc-900">Since {new Date(rollout.startedAt).toLocaleString()} ({timeAgo(rollout.startedAt)}, by {actorName(rollout.startedBy)})</h2>
          <p className="text-xs text-zinc-500">
            Runs stick to a version by {rollout.stickyKey ? <code className="font-mono">{rollout.stickyKey}</code> : "nothing (random per run)"}.{" "}
            {rollout.autoRollback ? `Rolled back automatically when a canary's failure rate is over the stable one's by more than ${rollout.autoRollback.margin} points, after ${rollout.autoRollback.minRuns} finished runs.` : "No automatic rollback."}
          </p>
        </div>
        <div className="flex gap-2">
          {canEdit ? <Button onClick={() => setConfirm("promote")}>Promote v{canary}</Button> : null}
          {canStop ? <Button variant="danger" onClick={() => setConfirm("rollback")}>Roll back</Button> : null}
        </div>
      </div>
      <RolloutComparison stats={detail.stats} margin={rollout.autoRollback?.margin} />
      <ConfirmDialog
        open={confirm === "promote"}
        onOpenChange={(o) => setConfirm(o ? "promote" : null)}
        title={`Promote v${canary}?`}
        consequence={`v${canary} becomes the active version: every new run uses it. Runs already started keep their version.`}
        confirmLabel="Promote"
        onConfirm={async () => {
          await api(`/workflows/${detail.id}/rollout/promote`, { body: { version: canary } });
          await refresh();
        }}
      />
      <ConfirmDialog
        open={confirm === "rollback"}
        onOpenChange={(o) => setConfirm(o ? "rollback" : null)}
        title="Roll back?"
        consequence={`Every new run uses v${detail.active} again. Runs already started on a canary keep their version and finish on it.`}
        confirmLabel="Roll back"
        danger
        onConfirm={async () => {
          await api(`/workflows/${detail.id}/rollout/rollback`, { body: { reason } });
          await refresh();
        }}
      >
        <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Failure rate up on the canary" />
      </ConfirmDialog>
    </section>
  );
}

function StartCanary({ detail }: { detail: RolloutDetail }) {
  const qc = useQueryClient();
  const canEdit = useCan("workflows.write");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [auto, setAuto] = useState(false);
  const others = detail.versions.filter((v) => v.number !== detail.active);
  if (!canEdit) return <p className="text-sm text-zinc-500">No canary is running.</p>;
  if (others.length === 0) return <p className="rounded-lg border border-zinc-200 bg-white p-4 text-sm text-zinc-600">Publish another version to try it as a canary next to v{detail.active} (the editor&apos;s Publish can start it as one).</p>;
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const sticky = String(form.get("stickyKey") ?? "").trim();
    try {
      await api(`/workflows/${detail.id}/rollout`, {
        method: "PUT",
        body: {
          versions: [{ version: Number(form.get("version")), weight: Number(form.get("weight")) }],
          ...(sticky ? { stickyKey: sticky } : {}),
          ...(auto ? { autoRollback: { margin: Number(form.get("margin")), minRuns: Number(form.get("minRuns")) } } : {}),
        },
      });
      setErrors({});
      await qc.invalidateQueries({ queryKey: rolloutKey(detail.id) });
    } catch (error) {
      setErrors(fieldErrorsOf(error, "version", /^(versions\.0|autoRollback)\./));
    }
  }
  return (
    <form onSubmit={submit} className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4" aria-label="Start a canary">
      <h2 className="text-sm font-semibold text-zinc-900">Start a canary</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField label="Version" name="version" options={others.map((v) => ({ value: String(v.number), label: `v${v.number}${v.note ? ` · ${v.note}` : ""}` }))} error={errors.version} />
        <TextField label="Share of new runs (%)" name="weight" type="number" min={0.01} max={100} step={0.01} defaultValue={10} required error={errors.weight ?? errors.versions} />
        <TextField label="Stick by" name="stickyKey" placeholder="{{ input.customerId }}" hint="A template over the input; empty: random per run." error={errors.stickyKey} />
      </div>
      <label className="flex items-center gap-2 text-sm text-zinc-700">
        <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Roll back automatically
      </label>
      {auto ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label="When failing more than stable by (points)" name="margin" type="number" min={0} max={100} defaultValue={5} error={errors.margin} />
          <TextField label="After finished canary runs" name="minRuns" type="number" min={1} defaultValue={20} error={errors.minRuns} />
        </div>
      ) : null}
      <Button type="submit">Start canary</Button>
    </form>
  );
}

const ACTIONS: Record<string, string> = {
  "workflow.rollout_started": "started",
  "workflow.rollout_changed": "changed",
  "workflow.rollout_promoted": "promoted",
  "workflow.rollout_rolled_back": "rolled back",
  "workflow.rollout_ended": "ended",
};

function History({ detail }: { detail: RolloutDetail }) {
  if (detail.history.length === 0) return null;
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4" aria-label="Rollout history">
      <h2 className="mb-2 text-sm font-semibold text-zinc-900">History</h2>
      <ol className="space-y-1.5 text-sm" data-testid="rollout-history">
        {detail.history.map((h) => {
          const d = h.data as { versions?: { version: number; weight: number }[]; canaries?: { version: number }[]; to?: number; reason?: string; note?: string };
          const what =
            h.action === "workflow.rollout_promoted"
              ? `v${d.to} promoted`
              : h.action === "workflow.rollout_started" || h.action === "workflow.rollout_changed"
                ? `canary ${ACTIONS[h.action]}: ${(d.versions ?? []).map((c) => `v${c.version} at ${c.weight} %`).join(", ")}`
                : `canary ${(d.canaries ?? []).map((c) => `v${c.version}`).join(", ")} ${ACTIONS[h.action] ?? h.action}`;
          return (
            <li key={h.id}>
              <span className="font-medium text-zinc-900">{what}</span>
              {d.reason || d.note ? <span className="text-zinc-700">: {d.reason || d.note}</span> : null}
              <span className="text-xs text-zinc-500"> · {h.actor === "system:auto-rollback" ? "automatically" : actorName(h.actor)} · {timeAgo(h.at)}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
