"use client";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { roles, roleDescriptions, type Role } from "#lib/auth/permissions.ts";
import { PASSWORD_MIN } from "#lib/admin/schemas.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { Button } from "../ui/button.tsx";
import { Badge } from "../ui/badge.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { AdminOnly } from "./admin-only.tsx";
import { useCurrentUser } from "../shell/current-user.tsx";

interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabledAt: string | null;
  createdAt: string;
}

const roleOptions = roles.map((r) => ({ value: r, label: r }));

export function UsersSettings() {
  return (
    <AdminOnly what="users">
      <UsersTable />
    </AdminOnly>
  );
}

function UsersTable() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [settingPassword, setSettingPassword] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);
  const users = useQuery({ queryKey: ["users"], queryFn: () => api<{ users: User[] }>("/users") });
  const update = useMutation({
    mutationFn: ({ id, change }: { id: string; change: Partial<{ role: Role; disabled: boolean }> }) =>
      api<User>(`/users/${id}`, { method: "PATCH", body: change }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["users"] }),
    onError: (e) => setError(e.message),
    onMutate: () => setError(null),
  });

  return (
    <section aria-labelledby="users-heading">
      <div className="mb-4 flex items-center justify-between">
        <div>
          <h2 id="users-heading" className="text-sm font-semibold text-zinc-900">Users</h2>
          <p className="text-sm text-zinc-600">People who sign in with a password. Disabling a user ends their sessions.</p>
        </div>
        <Button onClick={() => setCreating(true)}>Add user</Button>
      </div>
      {error ? <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p> : null}
      <Table label="Users">
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th>Added</Th>
            <Th className="text-right">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {users.data?.users.map((u) => (
            <tr key={u.id} data-testid={`user-${u.email}`}>
              <Td className="font-medium text-zinc-900">
                {u.name}
                {u.email === me.email ? <span className="ml-1.5 text-xs font-normal text-zinc-500">(you)</span> : null}
              </Td>
              <Td label="Email">{u.email}</Td>
              <Td label="Role">
                <select
                  aria-label={`Role of ${u.email}`}
                  className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
                  value={u.role}
                  title={roleDescriptions[u.role]}
                  onChange={(e) => update.mutate({ id: u.id, change: { role: e.target.value as Role } })}
                >
                  {roles.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              </Td>
              <Td label="Status">{u.disabledAt ? <Badge tone="danger">disabled</Badge> : <Badge tone="success">active</Badge>}</Td>
              <Td label="Added" title={fullTime(u.createdAt)}>{timeAgo(u.createdAt)}</Td>
              <Td className="space-x-2 text-right whitespace-nowrap">
                <Button variant="ghost" size="sm" onClick={() => setSettingPassword(u)}>
                  Set password
                </Button>
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => update.mutate({ id: u.id, change: { disabled: !u.disabledAt } })}
                >
                  {u.disabledAt ? "Enable" : "Disable"}
                </Button>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {users.isPending ? <p className="mt-3 text-sm text-zinc-500">Loading users…</p> : null}
      {users.error ? <p role="alert" className="mt-3 text-sm text-red-700">{users.error.message}</p> : null}
      <CreateUserDialog open={creating} onOpenChange={setCreating} />
      <SetPasswordDialog user={settingPassword} onClose={() => setSettingPassword(null)} />
    </section>
  );
}

function CreateUserDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const create = useMutation({
    mutationFn: (body: Record<string, FormDataEntryValue | null>) => api<User>("/users", { body }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      onOpenChange(false);
    },
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    const f = new FormData(event.currentTarget);
    create.mutate({ email: f.get("email"), name: f.get("name"), role: f.get("role"), password: f.get("password") });
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Add user" description="They sign in with this email and password.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField label="Name" name="name" required error={problem?.fieldError("name")} />
        <TextField label="Email" name="email" type="email" required error={problem?.fieldError("email")} />
        <SelectField label="Role" name="role" defaultValue="viewer" options={roleOptions} hint="Viewer sees; editor designs; operator intervenes; approver decides; admin does all." error={problem?.fieldError("role")} />
        <TextField label="Password" name="password" type="password" autoComplete="new-password" required hint={`At least ${PASSWORD_MIN} characters.`} error={problem?.fieldError("password")} />
        {problem && problem.errors.length === 0 ? <p role="alert" className="text-sm text-red-700">{problem.message}</p> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" disabled={create.isPending}>{create.isPending ? "Adding…" : "Add user"}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function SetPasswordDialog({ user, onClose }: { user: User | null; onClose(): void }) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const set = useMutation({
    mutationFn: (password: FormDataEntryValue | null) => api(`/users/${user!.id}`, { method: "PATCH", body: { password } }),
    onSuccess: onClose,
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    set.mutate(new FormData(event.currentTarget).get("password"));
  };
  return (
    <Dialog
      open={!!user}
      onOpenChange={(o) => !o && onClose()}
      title={`Set a password for ${user?.name ?? ""}`}
      description="Their sessions end; they sign in again with the new password."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField label="New password" name="password" type="password" autoComplete="new-password" hint={`At least ${PASSWORD_MIN} characters.`} error={problem?.fieldError("password")} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit" disabled={set.isPending}>Set password</Button>
        </div>
      </form>
    </Dialog>
  );
}
