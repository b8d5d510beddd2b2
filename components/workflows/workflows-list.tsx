"use client";
// The workflows page: search, create, rename, duplicate, delete, export and import; each with its
// latest run and how its runs of the last day went, and a Run button.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { fetchWorkflow, fetchWorkflows, workflowListsKey, workflowsQuery, type WorkflowSummary } from "#lib/client/queries.ts";
import { copyName, exportFile, readWorkflowFile } from "#lib/canvas/file-format.ts";
import { downloadJson } from "#lib/client/download.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import { Button } from "../ui/button.tsx";
import { Badge } from "../ui/badge.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { TextField } from "../ui/field.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { PageHeader } from "../ui/page-header.tsx";
import { WorkflowIcon } from "../ui/icons.tsx";
import { useCan } from "../shell/current-user.tsx";
import { RunStatusBadge } from "../runs/run-status.tsx";
import { RunDialog } from "../canvas/dialogs/run-dialog.tsx";

export function WorkflowsList() {
  const canEdit = useCan("workflows.write");
  const canRun = useCan("runs.start");
  const [running, setRunning] = useState<WorkflowSummary | null>(null);
  /** A file whose name a workflow already has: imported only as a copy, after asking. */
  const [sameName, setSameName] = useState<{ read: { name: string; description: string; definition: Definition }; copy: string } | null>(null);
  const router = useRouter();
  const queryClient = useQueryClient();
  const [q, setQ] = useState("");
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<WorkflowSummary | null>(null);
  const [deleting, setDeleting] = useState<WorkflowSummary | null>(null);
  const [importProblems, setImportProblems] = useState<string[] | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const list = useQuery(workflowsQuery(q));
  const refresh = () => queryClient.invalidateQueries({ queryKey: workflowListsKey });

  const duplicate = useMutation({ mutationFn: (id: string) => api<{ id: string }>(`/workflows/${id}/duplicate`, { method: "POST" }), onSuccess: () => refresh() });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/workflows/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      setDeleting(null);
      void refresh();
    },
  });

  const exportOne = async (w: WorkflowSummary) => {
    const full = await fetchWorkflow(w.id);
    downloadJson(full.name, exportFile(full, full.draft));
  };

  const createFrom = async (read: { name: string; description: string; definition: Definition }) => {
    try {
      const created = await api<{ id: string }>("/workflows", { body: { name: read.name, description: read.description, definition: read.definition } });
      void refresh();
      router.push(`/workflows/${created.id}`);
    } catch (e) {
      setImportProblems(e instanceof ApiProblem ? [e.message, ...e.errors.map((x) => x.message)] : [String(e)]);
    }
  };

  const importFile = async (file: File) => {
    setImportProblems(null);
    const read = readWorkflowFile(await file.text(), file.name);
    if (!read.ok) return setImportProblems(read.problems);
    const names = (await fetchWorkflows(read.name)).workflows.map((w) => w.name);
    if (names.includes(read.name)) return setSameName({ read, copy: copyName(read.name, names) });
    await createFrom(read);
  };

  return (
    <>
      <PageHeader
        title="Workflows"
        description="Flowcharts that Baton runs durably: retries, timeouts and dead letters included."
        actions={
          canEdit ? (
            <>
              <input ref={fileInput} type="file" accept="application/json,.json" className="sr-only" aria-label="Workflow file to import" data-testid="import-file" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) void importFile(f); }} />
              <Button variant="secondary" onClick={() => fileInput.current?.click()}>Import</Button>
              <Button onClick={() => setCreating(true)}>New workflow</Button>
            </>
          ) : null
        }
      />
      {importProblems ? (
        <div role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          <p className="font-medium">The file was not imported; nothing was created.</p>
          <ul className="mt-1 list-disc pl-5">{importProblems.map((p, i) => <li key={i}>{p}</li>)}</ul>
          <Button variant="ghost" size="sm" className="mt-1" onClick={() => setImportProblems(null)}>Dismiss</Button>
        </div>
      ) : null}
      <div className="mb-4 max-w-sm">
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search by name or description" aria-label="Search workflows" className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-sm" />
      </div>
      {list.isPending ? (
        <p role="status" className="rounded-lg border border-zinc-200 bg-white px-4 py-6 text-center text-sm text-zinc-600">
          Loading workflows…
        </p>
      ) : list.data && list.data.workflows.length === 0 ? (
        <EmptyState icon={<WorkflowIcon width={32} height={32} />} title={q ? "No workflow matches" : "No workflows yet"} action={canEdit && !q ? <Button onClick={() => setCreating(true)}>New workflow</Button> : null}>
          {q ? "Try another search." : "Create one, or import a file exported from Baton."}
        </EmptyState>
      ) : (
        <Table label="Workflows">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Published</Th>
              <Th>Last run</Th>
              <Th>Last 24 h</Th>
              <Th>Changed</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {list.data?.workflows.map((w) => (
              <tr key={w.id} data-testid={`workflow-${w.name}`}>
                <Td>
                  <Link href={`/workflows/${w.id}`} className="font-medium text-zinc-900 hover:text-indigo-700">{w.name}</Link>
                  {w.description ? <span className="block max-w-xl truncate text-xs text-zinc-500">{w.description}</span> : null}
                </Td>
                <Td label="Published">{w.activeVersion ? <Badge tone="accent">v{w.activeVersion}</Badge> : <Badge>draft only</Badge>}</Td>
                <Td label="Last run" className="whitespace-nowrap" data-testid="last-run">
                  {w.lastRun ? (
                    <Link href={`/runs/${w.lastRun.id}`} className="inline-flex items-center gap-2 hover:underline" title={fullTime(w.lastRun.createdAt)}>
                      <RunStatusBadge status={w.lastRun.status} />
                      <span className="text-xs text-zinc-600">{timeAgo(w.lastRun.createdAt)}</span>
                    </Link>
                  ) : (
                    <span className="text-xs text-zinc-600">never run</span>
                  )}
                </Td>
                <Td label="Last 24 h" className="whitespace-nowrap text-xs" data-testid="success-rate">
                  {w.last24h.runs === 0 ? (
                    <span className="text-zinc-600">no runs</span>
                  ) : (
                    <span title={`${w.last24h.succeeded} succeeded, ${w.last24h.failed} failed of ${w.last24h.runs}`}>
                      <span className={cx("font-semibold", w.last24h.failed ? "text-red-700" : "text-emerald-700")}>{Math.round((w.last24h.succeeded / w.last24h.runs) * 100)}%</span>
                      <span className="text-zinc-600"> of {w.last24h.runs} succeeded</span>
                    </span>
                  )}
                </Td>
                <Td label="Changed" className="whitespace-nowrap" title={fullTime(w.updatedAt)}>{timeAgo(w.updatedAt)}</Td>
                <Td className="space-x-1 text-right whitespace-nowrap">
                  {canRun ? (
                    <Button variant="secondary" size="sm" disabled={!w.activeVersion} title={w.activeVersion ? undefined : "Publish a version first"} onClick={() => setRunning(w)} aria-label={`Run ${w.name}`}>
                      Run
                    </Button>
                  ) : null}
                  <Link href={`/workflows/${w.id}`} className="inline-flex h-8 items-center rounded-md px-2.5 text-xs font-medium text-indigo-700 hover:bg-indigo-50">{canEdit ? "Edit" : "Open"}</Link>
                  <Button variant="ghost" size="sm" onClick={() => void exportOne(w)}>Export</Button>
                  {canEdit ? (
                    <>
                      <Button variant="ghost" size="sm" onClick={() => setRenaming(w)}>Rename</Button>
                      <Button variant="ghost" size="sm" onClick={() => duplicate.mutate(w.id)}>Duplicate</Button>
                      <Button variant="ghost" size="sm" className="text-red-700" onClick={() => setDeleting(w)}>Delete</Button>
                    </>
                  ) : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <CreateDialog open={creating} onOpenChange={setCreating} onCreated={(id) => router.push(`/workflows/${id}`)} />
      {running ? <RunDialog open onOpenChange={(o) => {
            if (o) return;
            setRunning(null);
            void refresh();
          }} workflowId={running.id} activeVersion={running.activeVersion} title={`Run “${running.name}”`} /> : null}
      <Dialog open={!!sameName} onOpenChange={(o) => !o && setSameName(null)} title={`A workflow named “${sameName?.read.name ?? ""}” already exists`} description="Importing adds a new workflow; the one you have stays as it is.">
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setSameName(null)}>Cancel</Button>
          <Button
            onClick={() => {
              const pending = sameName!;
              setSameName(null);
              void createFrom({ ...pending.read, name: pending.copy });
            }}
          >
            Import as “{sameName?.copy}”
          </Button>
        </div>
      </Dialog>
      <RenameDialog workflow={renaming} onClose={() => { setRenaming(null); void refresh(); }} />
      <Dialog open={!!deleting} onOpenChange={(o) => !o && setDeleting(null)} title={`Delete “${deleting?.name ?? ""}”?`} description="It disappears from this list and cannot be run any more. Its versions and past runs stay readable.">
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setDeleting(null)}>Keep it</Button>
          <Button variant="danger" disabled={remove.isPending} onClick={() => deleting && remove.mutate(deleting.id)}>Delete workflow</Button>
        </div>
      </Dialog>
    </>
  );
}

function CreateDialog({ open, onOpenChange, onCreated }: { open: boolean; onOpenChange(o: boolean): void; onCreated(id: string): void }) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; description: string }) => api<{ id: string }>("/workflows", { body }),
    onSuccess: (w) => onCreated(w.id),
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate({ name: String(f.get("name") ?? ""), description: String(f.get("description") ?? "") });
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="New workflow" description="It starts with a start step; design it in the editor.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField label="Name" name="name" required autoFocus error={problem?.fieldError("name")} />
        <TextField label="Description" name="description" error={problem?.fieldError("description")} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" disabled={create.isPending}>Create</Button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({ workflow, onClose }: { workflow: WorkflowSummary | null; onClose(): void }) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const rename = useMutation({
    mutationFn: (body: { name: string; description: string }) => api(`/workflows/${workflow!.id}`, { method: "PATCH", body }),
    onSuccess: onClose,
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  return (
    <Dialog open={!!workflow} onOpenChange={(o) => !o && onClose()} title="Rename workflow">
      <form
        key={workflow?.id}
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          rename.mutate({ name: String(f.get("name") ?? ""), description: String(f.get("description") ?? "") });
        }}
        className="space-y-4"
        noValidate
      >
        <TextField label="Name" name="name" defaultValue={workflow?.name} required error={problem?.fieldError("name")} />
        <TextField label="Description" name="description" defaultValue={workflow?.description} error={problem?.fieldError("description")} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit" disabled={rename.isPending}>Save</Button>
        </div>
      </form>
    </Dialog>
  );
}
