"use client";
// Feature flags: each with its state (on, or off by the kill switch), version, and how many
// evaluations went each way in the last hour; editors add one by key.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, fieldErrorsOf } from "#lib/client/api.ts";
import { timeAgo } from "#lib/client/format.ts";
import { flagsQuery } from "#lib/client/queries.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { useCan } from "../shell/current-user.tsx";
import { ServedLastHour } from "./served.tsx";

export function Flags() {
  const canEdit = useCan("workflows.write");
  const list = useQuery({ ...flagsQuery(), refetchInterval: 10_000 });
  const [adding, setAdding] = useState(false);
  const flags = list.data?.flags ?? [];
  return (
    <>
      <PageHeader
        title="Flags"
        description="Feature flags: targeting rules and sticky percentage rollouts, asked by templates ($flag) and conditions. Every change is a version; off is a kill switch that works everywhere within a second."
        actions={canEdit ? <Button onClick={() => setAdding(true)}>New flag</Button> : null}
      />
      {list.error ? <p role="alert" className="text-sm text-red-700">{list.error.message}</p> : null}
      {list.isSuccess && flags.length === 0 ? (
        <EmptyState title="No flags">Add one, such as new-pricing, then ask it in a template with {'{{ $flag("new-pricing", { "userId": input.userId }) }}'}.</EmptyState>
      ) : (
        <Table label="Flags">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>State</Th>
              <Th>Rules</Th>
              <Th>Last hour</Th>
              <Th>Changed</Th>
            </tr>
          </thead>
          <tbody>
            {flags.map((f) => (
              <tr key={f.key} data-testid={`flag-${f.key}`}>
                <Td>
                  <Link href={`/flags/${f.key}`} className="font-medium text-indigo-700 hover:underline">
                    {f.name}
                  </Link>
                  {f.description ? <p className="text-xs text-zinc-500">{f.description}</p> : null}
                </Td>
                <Td className="font-mono text-xs">{f.key}</Td>
                <Td>
                  {f.enabled ? <Badge tone="success">on</Badge> : <Badge tone="danger">off</Badge>} <span className="text-xs text-zinc-500">v{f.version} · {f.kind}</span>
                </Td>
                <Td>{f.rules}</Td>
                <Td>
                  <ServedLastHour counts={f.lastHour} values={f.kind === "boolean" ? [true, false] : f.lastHour.map((c) => c.value)} compact />
                </Td>
                <Td className="text-xs text-zinc-600">
                  {actorName(f.updatedBy)} · {timeAgo(f.updatedAt)}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <NewFlag open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

function NewFlag({ open, onClose }: { open: boolean; onClose(): void }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [kind, setKind] = useState("boolean");
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const variants = String(form.get("variants") ?? "").split(",").map((v) => v.trim()).filter(Boolean);
    setBusy(true);
    try {
      const created = await api<{ key: string }>("/flags", { body: { key: form.get("key"), name: form.get("name"), description: form.get("description") ?? "", kind, ...(kind === "variant" ? { variants } : {}) } });
      router.push(`/flags/${created.key}`);
    } catch (error) {
      setErrors(fieldErrorsOf(error, "key", /^definition\./));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title="New flag" description="It starts serving its off value to everyone; add rules or a rollout on its page.">
      <form onSubmit={submit} className="space-y-3">
        <TextField label="Name" name="name" required placeholder="New pricing" error={errors.name} />
        <TextField label="Key" name="key" required placeholder="new-pricing" hint="What templates and conditions ask it by: lowercase letters, digits and -." error={errors.key} />
        <SelectField label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value)} options={[{ value: "boolean", label: "Boolean (true or false)" }, { value: "variant", label: "Variants (named values)" }]} />
        {kind === "variant" ? <TextField label="Variants" name="variants" required placeholder="classic, compact" hint="Two or more, separated by commas; the first is served while it is off." error={errors.variants} /> : null}
        <TextField label="Description" name="description" error={errors.description} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit" disabled={busy}>Create</Button>
        </div>
      </form>
    </Dialog>
  );
}
