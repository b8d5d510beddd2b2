"use client";
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { PASSWORD_MIN } from "#lib/admin/schemas.ts";
import { roleDescriptions } from "#lib/auth/permissions.ts";
import { Button } from "../ui/button.tsx";
import { TextField } from "../ui/field.tsx";
import { Badge } from "../ui/badge.tsx";
import { useCurrentUser } from "../shell/current-user.tsx";

export function AccountSettings() {
  const me = useCurrentUser();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState(false);
  const change = useMutation({
    mutationFn: (body: { currentPassword: FormDataEntryValue | null; newPassword: FormDataEntryValue | null }) =>
      api("/me/password", { body }),
    onSuccess: () => setDone(true),
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    setDone(false);
    const form = event.currentTarget;
    const f = new FormData(form);
    change.mutate({ currentPassword: f.get("currentPassword"), newPassword: f.get("newPassword") }, { onSuccess: () => form.reset() });
  };
  return (
    <div className="grid max-w-3xl gap-6 md:grid-cols-2">
      <section className="rounded-lg border border-zinc-200 bg-white p-5">
        <h2 className="text-sm font-semibold text-zinc-900">You</h2>
        <dl className="mt-3 space-y-2 text-sm">
          <div><dt className="text-zinc-500">Name</dt><dd className="text-zinc-900">{me.name}</dd></div>
          <div><dt className="text-zinc-500">Email</dt><dd className="text-zinc-900">{me.email}</dd></div>
          <div>
            <dt className="text-zinc-500">Role</dt>
            <dd className="text-zinc-900"><Badge tone="accent">{me.role}</Badge> <span className="text-zinc-600">{roleDescriptions[me.role]}</span></dd>
          </div>
        </dl>
      </section>
      <section className="rounded-lg border border-zinc-200 bg-white p-5">
        <h2 className="text-sm font-semibold text-zinc-900">Change password</h2>
        <form onSubmit={submit} className="mt-3 space-y-4" noValidate>
          <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" error={problem?.fieldError("currentPassword")} />
          <TextField label="New password" name="newPassword" type="password" autoComplete="new-password" hint={`At least ${PASSWORD_MIN} characters. Your other sessions end.`} error={problem?.fieldError("newPassword")} />
          {problem && problem.errors.length === 0 ? <p role="alert" className="text-sm text-red-700">{problem.message}</p> : null}
          {done ? <p role="status" className="text-sm text-emerald-700">Password changed.</p> : null}
          <Button type="submit" disabled={change.isPending}>Change password</Button>
        </form>
      </section>
    </div>
  );
}
