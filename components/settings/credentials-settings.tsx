"use client";
// Credentials: named secrets that steps use as {{ secrets.NAME }}. Admins add, replace and delete
// them; everyone sees names, kinds, fingerprints and the workflows that use them, never a value.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { credentialKinds, kindInfo, type CredentialKind } from "#lib/secrets/schemas.ts";
import { credentialsKey, credentialsQuery, type CredentialView } from "#lib/client/queries.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { useCan } from "../shell/current-user.tsx";

/** The settings each kind asks for (not secret), as form fields. */
const SETTINGS: Record<CredentialKind, { key: string; label: string; hint?: string; type?: "number" | "checkbox" }[]> = {
  secret: [],
  http_header: [{ key: "header", label: "Header name", hint: "e.g. X-Api-Key" }],
  http_bearer: [],
  http_basic: [{ key: "username", label: "User name" }],
  postgres: [],
  smtp: [
    { key: "host", label: "Host", hint: "e.g. smtp.example.com" },
    { key: "port", label: "Port", type: "number", hint: "587 (STARTTLS) or 465 (TLS)" },
    { key: "secure", label: "TLS from the start (port 465)", type: "checkbox" },
    { key: "username", label: "User name" },
    { key: "from", label: "Sender address", hint: "e.g. noreply@example.com" },
  ],
};

export function CredentialsSettings() {
  const canManage = useCan("admin");
  const queryClient = useQueryClient();
  const list = useQuery(credentialsQuery());
  const [editing, setEditing] = useState<CredentialView | "new" | null>(null);
  const [deleting, setDeleting] = useState<CredentialView | null>(null);
  const credentials = list.data?.credentials ?? [];
  return (
    <section aria-labelledby="credentials-heading">
      <div className="mb-4 flex items-center justify-between gap-4">
        <div>
          <h2 id="credentials-heading" className="text-sm font-semibold text-zinc-900">Credentials</h2>
          <p className="text-sm text-zinc-600">
            Secrets for steps, written <code className="rounded bg-zinc-100 px-1 font-mono text-xs">{"{{ secrets.NAME }}"}</code> in a step&apos;s config. Encrypted at rest, opened only by the worker
            when the step runs, and masked in everything a run keeps; nobody can read a value back.
          </p>
        </div>
        {canManage ? <Button onClick={() => setEditing("new")}>New credential</Button> : null}
      </div>
      {list.error ? <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{list.error.message}</p> : null}
      {list.isSuccess && credentials.length === 0 ? (
        <EmptyState title="No credentials">{canManage ? "Add an API key, a database connection or an SMTP server here, then use it from any workflow." : "An admin adds them; you can then use them in steps."}</EmptyState>
      ) : (
        <Table label="Credentials">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Kind</Th>
              <Th>Value</Th>
              <Th>Used by</Th>
              <Th>Changed</Th>
              <Th className="text-right">{canManage ? "Actions" : ""}</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {credentials.map((c) => (
              <tr key={c.id} data-testid={`credential-${c.name}`}>
                <Td>
                  <span className="font-mono text-sm font-medium text-zinc-900">{c.name}</span>
                  {c.description ? <p className="text-xs text-zinc-600">{c.description}</p> : null}
                </Td>
                <Td label="Kind">
                  <Badge tone="accent">{kindInfo[c.kind as CredentialKind]?.label ?? c.kind}</Badge>
                </Td>
                <Td label="Value" className="font-mono text-xs text-zinc-700">
                  set · {c.fingerprint}
                </Td>
                <Td label="Used by" className="text-sm">
                  {c.usedBy.length === 0 ? (
                    <span className="text-zinc-500">no workflow</span>
                  ) : (
                    c.usedBy.map((w, i) => (
                      <span key={w.id}>
                        {i > 0 ? ", " : null}
                        <Link href={`/workflows/${w.id}`} className="text-indigo-700 hover:underline">
                          {w.name}
                        </Link>
                      </span>
                    ))
                  )}
                </Td>
                <Td label="Changed" title={fullTime(c.updatedAt)} className="text-xs whitespace-nowrap">
                  {timeAgo(c.updatedAt)} <span className="text-zinc-500">by {actorName(c.updatedBy)}</span>
                </Td>
                <Td className="text-right">
                  {canManage ? (
                    <span className="inline-flex gap-2">
                      <Button size="sm" variant="secondary" onClick={() => setEditing(c)}>
                        Edit
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setDeleting(c)}>
                        Delete
                      </Button>
                    </span>
                  ) : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {!canManage ? <p className="mt-2 text-xs text-zinc-500">Only admins add, replace or delete credentials.</p> : null}
      {editing ? <CredentialDialog credential={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name}?`}
        consequence={`Steps that use {{ secrets.${deleting?.name} }} fail (not retried) until a credential of that name exists again${deleting?.usedBy.length ? `; used by ${deleting.usedBy.map((w) => w.name).join(", ")}` : ""}.`}
        confirmLabel="Delete"
        danger
        onConfirm={async () => {
          await api(`/credentials/${deleting!.id}`, { method: "DELETE" });
          await queryClient.invalidateQueries({ queryKey: credentialsKey });
        }}
      />
    </section>
  );
}

/** New (credential null) or edit: the value is write-only; left empty on edit, it is kept. */
function CredentialDialog({ credential, onClose }: { credential: CredentialView | null; onClose(): void }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<CredentialKind>((credential?.kind as CredentialKind) ?? "secret");
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => (credential ? api(`/credentials/${credential.id}`, { method: "PATCH", body }) : api("/credentials", { body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: credentialsKey });
      onClose();
    },
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  const current = (credential?.settings ?? {}) as Record<string, unknown>;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    const f = new FormData(event.currentTarget);
    const settings = Object.fromEntries(
      SETTINGS[kind].flatMap((s): [string, unknown][] => {
        if (s.type === "checkbox") return [[s.key, f.get(s.key) === "on"]];
        const v = String(f.get(s.key) ?? "").trim();
        return v === "" ? [] : [[s.key, s.type === "number" ? Number(v) : v]];
      }),
    );
    const value = String(f.get("value") ?? "");
    const description = String(f.get("description") ?? "");
    save.mutate(credential ? { description, settings, ...(value ? { value } : {}) } : { name: String(f.get("name") ?? "").trim(), kind, description, settings, value });
  };
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={credential ? `Edit ${credential.name}` : "New credential"}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {credential ? null : (
          <>
            <TextField label="Name" name="name" required placeholder="e.g. PAYMENTS_API_KEY" hint="Letters, digits and _; used as {{ secrets.NAME }}." error={problem?.fieldError("name")} autoComplete="off" />
            <SelectField label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as CredentialKind)} options={credentialKinds.map((k) => ({ value: k, label: kindInfo[k].label }))} />
          </>
        )}
        <TextField label="Description" name="description" defaultValue={credential?.description ?? ""} placeholder="What it is for" error={problem?.fieldError("description")} />
        {SETTINGS[kind].map((s) =>
          s.type === "checkbox" ? (
            <label key={s.key} className="flex items-center gap-2 text-sm text-zinc-800">
              <input type="checkbox" name={s.key} defaultChecked={current[s.key] === true} className="size-4 rounded border-zinc-300" />
              {s.label}
            </label>
          ) : (
            <TextField
              key={s.key}
              label={s.label}
              name={s.key}
              type={s.type === "number" ? "number" : "text"}
              defaultValue={current[s.key] === undefined ? "" : String(current[s.key])}
              hint={s.hint}
              error={problem?.fieldError(`settings.${s.key}`)}
            />
          ),
        )}
        <TextField
          label={kindInfo[kind].value}
          name="value"
          type="password"
          autoComplete="new-password"
          required={!credential}
          hint={credential ? `Set (${credential.fingerprint}). Leave empty to keep it; anything typed replaces it.` : "Encrypted when saved; it cannot be shown again."}
          error={problem?.fieldError("value")}
        />
        {problem && problem.errors.length === 0 ? (
          <p role="alert" className="text-sm text-red-700">
            {problem.message}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {credential ? "Save" : "Add credential"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
