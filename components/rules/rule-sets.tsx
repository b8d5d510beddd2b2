"use client";
// The decision tables: each with its active version, size and hit policy; editors add one by key.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, fieldErrorsOf } from "#lib/client/api.ts";
import { timeAgo } from "#lib/client/format.ts";
import { ruleSetsQuery } from "#lib/client/queries.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { TextField } from "../ui/field.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { useCan } from "../shell/current-user.tsx";

export function RuleSets() {
  const canEdit = useCan("workflows.write");
  const list = useQuery(ruleSetsQuery());
  const [adding, setAdding] = useState(false);
  const sets = list.data?.ruleSets ?? [];
  return (
    <>
      <PageHeader
        title="Rules"
        description="Decision tables: thresholds, routing and eligibility that change without a redeploy. Edit a table, test it, publish a version; Decide steps use the active version from the next run on."
        actions={canEdit ? <Button onClick={() => setAdding(true)}>New rule set</Button> : null}
      />
      {list.error ? <p role="alert" className="text-sm text-red-700">{list.error.message}</p> : null}
      {list.isSuccess && sets.length === 0 ? (
        <EmptyState title="No rule sets">Add one, such as order-discount, then use it from a workflow&apos;s Decide step.</EmptyState>
      ) : (
        <Table label="Rule sets">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Active</Th>
              <Th>Rows</Th>
              <Th>Hit policy</Th>
              <Th>Changed</Th>
            </tr>
          </thead>
          <tbody>
            {sets.map((s) => (
              <tr key={s.key} data-testid={`rule-set-${s.key}`}>
                <Td>
                  <Link href={`/rules/${s.key}`} className="font-medium text-indigo-700 hover:underline">
                    {s.name}
                  </Link>
                  {s.description ? <p className="text-xs text-zinc-500">{s.description}</p> : null}
                </Td>
                <Td className="font-mono text-xs">{s.key}</Td>
                <Td>{s.activeVersion ? <Badge tone="accent">v{s.activeVersion}</Badge> : <span className="text-xs text-zinc-500">not published</span>}</Td>
                <Td>{s.rows}</Td>
                <Td className="text-xs">{s.hitPolicy?.replaceAll("_", " ")}</Td>
                <Td className="text-xs text-zinc-600">
                  {actorName(s.updatedBy)} · {timeAgo(s.updatedAt)}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <NewRuleSet open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

function NewRuleSet({ open, onClose }: { open: boolean; onClose(): void }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    try {
      const created = await api<{ key: string }>("/rule-sets", { body: { key: form.get("key"), name: form.get("name"), description: form.get("description") ?? "" } });
      router.push(`/rules/${created.key}`);
    } catch (error) {
      setErrors(fieldErrorsOf(error, "key"));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title="New rule set" description="A decision table, edited as a draft and published as versions.">
      <form onSubmit={submit} className="space-y-3">
        <TextField label="Name" name="name" required placeholder="Order discount" error={errors.name} />
        <TextField label="Key" name="key" required placeholder="order-discount" hint="What Decide steps name it by: lowercase letters, digits and -." error={errors.key} />
        <TextField label="Description" name="description" error={errors.description} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit" disabled={busy}>Create</Button>
        </div>
      </form>
    </Dialog>
  );
}
