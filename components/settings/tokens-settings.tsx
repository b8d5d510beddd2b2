"use client";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { roles, type Role } from "#lib/auth/permissions.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { Button } from "../ui/button.tsx";
import { Badge } from "../ui/badge.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { AdminOnly } from "./admin-only.tsx";

interface Token {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  createdByUser: { email: string; disabledAt: string | null } | null;
}

const EXPIRY_CHOICES = [
  { value: "", label: "Never (until revoked)" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

/** Why a token that is not revoked does not work, if it does not. */
function inactiveReason(t: Token): string | null {
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return "expired";
  if (t.createdByUser?.disabledAt) return "owner disabled";
  return null;
}

export function TokensSettings() {
  return (
    <AdminOnly what="API tokens">
      <TokensTable />
    </AdminOnly>
  );
}

function TokensTable() {
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const tokens = useQuery({ queryKey: ["tokens"], queryFn: () => api<{ tokens: Token[] }>("/tokens") });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["tokens"] });
      setRevoking(null);
    },
  });

  return (
    <section aria-labelledby="tokens-heading">
      <div className="mb-4 flex items-center justify-between">
        <div>
          <h2 id="tokens-heading" className="text-sm font-semibold text-zinc-900">API tokens</h2>
          <p className="text-sm text-zinc-600">
            For machines: send <code className="rounded bg-zinc-100 px-1 font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>. A token acts with its role.
          </p>
        </div>
        <Button onClick={() => setCreating(true)}>Create token</Button>
      </div>
      {tokens.data?.tokens.length === 0 ? (
        <EmptyState title="No API tokens">Create one for each system that calls Baton, so each can be revoked alone.</EmptyState>
      ) : (
        <Table label="API tokens">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Role</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th>Expires</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {tokens.data?.tokens.map((t) => (
              <tr key={t.id} data-testid={`token-${t.name}`}>
                <Td className="font-medium text-zinc-900">{t.name}</Td>
                <Td label="Token" className="font-mono text-xs">{t.prefix}…</Td>
                <Td label="Role"><Badge tone="accent">{t.role}</Badge></Td>
                <Td label="Created" title={fullTime(t.createdAt)}>{timeAgo(t.createdAt)} <span className="text-zinc-500">by {t.createdBy}</span></Td>
                <Td label="Last used" title={fullTime(t.lastUsedAt)}>{timeAgo(t.lastUsedAt)}</Td>
                <Td label="Expires" title={t.expiresAt ? fullTime(t.expiresAt) : undefined}>{t.expiresAt ? new Date(t.expiresAt).toLocaleDateString("en-GB") : "never"}</Td>
                <Td className="text-right">
                  {t.revokedAt ? (
                    <Badge tone="danger">revoked</Badge>
                  ) : inactiveReason(t) ? (
                    <span className="inline-flex items-center gap-2">
                      <Badge tone="danger">{inactiveReason(t)}</Badge>
                      <Button variant="secondary" size="sm" onClick={() => setRevoking(t)}>Revoke</Button>
                    </span>
                  ) : (
                    <Button variant="secondary" size="sm" onClick={() => setRevoking(t)}>Revoke</Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <CreateTokenDialog open={creating} onOpenChange={setCreating} />
      <Dialog
        open={!!revoking}
        onOpenChange={(o) => !o && setRevoking(null)}
        title={`Revoke ${revoking?.name ?? "token"}?`}
        description="Requests with this token fail from now on. This cannot be undone."
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setRevoking(null)}>Keep it</Button>
          <Button variant="danger" disabled={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking.id)}>Revoke token</Button>
        </div>
      </Dialog>
    </section>
  );
}

function CreateTokenDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: (body: Record<string, FormDataEntryValue | string | null>) => api<Token & { token: string }>("/tokens", { body }),
    onSuccess: (t) => {
      setCreated(t.token);
      void queryClient.invalidateQueries({ queryKey: ["tokens"] });
    },
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  const close = (o: boolean) => {
    if (!o) {
      setCreated(null);
      setProblem(null);
      setCopied(false);
    }
    onOpenChange(o);
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    const f = new FormData(event.currentTarget);
    const days = Number(f.get("expires") || 0);
    create.mutate({ name: f.get("name"), role: f.get("role"), ...(days ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}) });
  };
  return (
    <Dialog open={open} onOpenChange={close} title={created ? "Token created" : "Create API token"}>
      {created ? (
        <div className="space-y-4">
          <p className="text-sm text-zinc-700">Copy it now: Baton stores only a hash and cannot show it again.</p>
          <code data-testid="new-token" className="block rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs break-all">{created}</code>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(created).then(() => setCopied(true))}>
              {copied ? "Copied" : "Copy"}
            </Button>
            <Button onClick={() => close(false)}>Done</Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <TextField label="Name" name="name" required placeholder="e.g. billing-service" hint="Who uses it; shown in audit trails as token:<name>." error={problem?.fieldError("name")} />
          <SelectField label="Role" name="role" defaultValue="editor" options={roles.map((r) => ({ value: r, label: r }))} error={problem?.fieldError("role")} />
          <SelectField label="Expires" name="expires" defaultValue="90" options={EXPIRY_CHOICES} error={problem?.fieldError("expiresAt")} />
          <p className="text-xs text-zinc-500">The token works only while you (its owner) are an active user.</p>
          {problem && problem.errors.length === 0 ? <p role="alert" className="text-sm text-red-700">{problem.message}</p> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => close(false)}>Cancel</Button>
            <Button type="submit" disabled={create.isPending}>Create token</Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
