"use client";
// The event type registry: each type's schema and versions, and the workflows that publish and
// consume it. Editors add types and new schema versions; a breaking change is refused with what
// it breaks unless saved as a new major version.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { timeAgo } from "#lib/client/format.ts";
import { eventTypesKey, eventTypesQuery, type EventTypeView } from "#lib/client/queries.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { Field, TextField } from "../ui/field.tsx";
import { JsonView } from "../ui/json-view.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { useCan } from "../shell/current-user.tsx";

const EXAMPLE_SCHEMA = { type: "object", required: ["orderId"], properties: { orderId: { type: "string" }, total: { type: "number" } } };

export function EventTypes() {
  const canEdit = useCan("workflows.write");
  const list = useQuery(eventTypesQuery());
  const [editing, setEditing] = useState<EventTypeView | "new" | null>(null);
  const types = list.data?.eventTypes ?? [];
  return (
    <>
      <PageHeader
        title="Event types"
        description="The business events workflows publish and wait for: a past-tense name and a JSON Schema, versioned. A compatible change is a new minor version; a breaking one must be a new major."
        actions={
          <>
            <Link href="/events" className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-sm hover:bg-zinc-50">Event log</Link>
            {canEdit ? <Button onClick={() => setEditing("new")}>New event type</Button> : null}
          </>
        }
      />
      {list.isSuccess && types.length === 0 ? (
        <EmptyState title="No event types">Add one, such as OrderCompleted, to publish it and to start or resume workflows with it.</EmptyState>
      ) : (
        <ul aria-label="Event types" className="space-y-3">
          {types.map((t) => (
            <li key={t.name} data-testid={`event-type-${t.name}`} className="rounded-lg border border-zinc-200 bg-white p-4">
              <div className="flex flex-wrap items-center gap-2">
                <h2 className="text-base font-semibold text-zinc-900">{t.name}</h2>
                <Badge tone="accent">v{t.version}</Badge>
                <span className="flex-1 text-sm text-zinc-600">{t.description}</span>
                <Link href={`/events?type=${t.name}`} className="text-xs font-medium text-indigo-700 hover:underline">Its events</Link>
                {canEdit ? <Button size="sm" variant="secondary" onClick={() => setEditing(t)}>New version</Button> : null}
              </div>
              <div className="mt-2 grid gap-3 text-xs md:grid-cols-3">
                <Workflows label="Published by" items={t.publishers} />
                <Workflows label="Consumed by" items={t.consumers} />
                <div>
                  <p className="font-medium text-zinc-500">Versions</p>
                  <ul>
                    {t.versions.map((v) => (
                      <li key={v.version}>
                        v{v.version} · {actorName(v.createdBy)} · {timeAgo(v.createdAt)}
                        {v.note ? <span className="text-zinc-500"> · {v.note}</span> : null}
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
              <details className="mt-2">
                <summary className="cursor-pointer text-xs text-zinc-600">Schema</summary>
                <JsonView value={t.schema} label={`Schema of ${t.name}`} />
              </details>
            </li>
          ))}
        </ul>
      )}
      <EventTypeDialog editing={editing} onClose={() => setEditing(null)} />
    </>
  );
}

function Workflows({ label, items }: { label: string; items: { id: string; name: string }[] }) {
  return (
    <div>
      <p className="font-medium text-zinc-500">{label}</p>
      {items.length === 0 ? (
        <p className="text-zinc-500">no workflow</p>
      ) : (
        <ul>
          {items.map((w) => (
            <li key={w.id}>
              <Link href={`/workflows/${w.id}`} className="text-indigo-700 hover:underline">{w.name}</Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function EventTypeDialog({ editing, onClose }: { editing: EventTypeView | "new" | null; onClose(): void }) {
  const queryClient = useQueryClient();
  const creating = editing === "new";
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const close = () => {
    setProblem(null);
    setJsonError(null);
    onClose();
  };
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    let schema: unknown;
    try {
      schema = JSON.parse(String(form.get("schema")));
    } catch {
      setJsonError("This is not valid JSON.");
      return;
    }
    setJsonError(null);
    setPending(true);
    try {
      if (creating) await api("/event-types", { body: { name: form.get("name"), description: form.get("description"), schema } });
      else if (editing) await api(`/event-types/${editing.name}/versions`, { body: { schema, major: form.get("major") === "on", note: form.get("note") } });
      await queryClient.invalidateQueries({ queryKey: eventTypesKey });
      close();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { detail: String(error) }));
    } finally {
      setPending(false);
    }
  }
  const breaking = problem?.errors.filter((e) => e.path === "schema") ?? [];
  return (
    <Dialog open={editing !== null} onOpenChange={(o) => !o && close()} title={creating ? "New event type" : `New version of ${editing?.name ?? ""}`} size="lg">
      <form onSubmit={submit} className="space-y-3" key={creating ? "new" : editing ? editing.name : "none"}>
        {creating ? (
          <>
            <TextField label="Name" name="name" required placeholder="OrderCompleted" error={problem?.fieldError("name")} hint="PascalCase, past tense: what happened." />
            <TextField label="Description" name="description" />
          </>
        ) : null}
        <Field label="Schema (JSON Schema of the event's data)" error={jsonError ?? (breaking.length ? undefined : problem?.fieldError("schema"))}>
          {(p) => <textarea {...p} name="schema" rows={10} defaultValue={JSON.stringify(creating || !editing ? EXAMPLE_SCHEMA : editing.schema, null, 2)} className={`${p.className} font-mono text-xs`} />}
        </Field>
        {!creating ? (
          <>
            <TextField label="Note" name="note" placeholder="What changed" />
            <label className="flex items-center gap-2 text-sm text-zinc-800">
              <input type="checkbox" name="major" /> A breaking change: make it a new major version
            </label>
          </>
        ) : null}
        {breaking.length ? (
          <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            <p>{problem!.message}</p>
            <ul className="mt-1 list-disc pl-5 text-xs">
              {breaking.map((b) => (
                <li key={b.message}>{b.message}</li>
              ))}
            </ul>
          </div>
        ) : problem && !problem.errors.length ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{problem.message}</p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>Cancel</Button>
          <Button type="submit" disabled={pending}>{creating ? "Add event type" : "Save version"}</Button>
        </div>
      </form>
    </Dialog>
  );
}
