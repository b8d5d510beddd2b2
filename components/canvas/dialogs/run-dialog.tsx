"use client";
// Starting a run from the editor: the input as a form made from the start node's input schema
// (of the active version, which is what runs), or as JSON; then the run's status, live.
import Link from "next/link";
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { runQuery, workflowVersionQuery } from "#lib/client/queries.ts";
import { isFinishedRun } from "#lib/engine/states.ts";
import { fieldsFromJsonSchema } from "#lib/canvas/form.ts";
import { isEntry } from "#lib/steps/index.ts";
import { Dialog } from "../../ui/dialog.tsx";
import { Button } from "../../ui/button.tsx";
import { Badge } from "../../ui/badge.tsx";
import { runTone } from "../../runs/run-status.tsx";
import { ConfigForm } from "../config-form.tsx";
import { CodeEditor } from "../code-editor.tsx";


export function RunDialog({ open, onOpenChange, workflowId, activeVersion, title }: { open: boolean; onOpenChange(o: boolean): void; workflowId: string; activeVersion: number | null; title?: string }) {
  const version = useQuery({ ...workflowVersionQuery(workflowId, activeVersion), enabled: open && activeVersion !== null });
  const schema = version.data?.definition.nodes.find((n) => isEntry(n.type))?.config.inputSchema as { properties?: object } | undefined;
  const fields = useMemo(() => (schema?.properties ? fieldsFromJsonSchema(schema as never) : []), [schema]);
  const [asJson, setAsJson] = useState(false);
  const [input, setInput] = useState<Record<string, unknown>>({});
  const [jsonText, setJsonText] = useState("{}");
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const start = useMutation({
    mutationFn: (body: unknown) => api<{ id: string }>(`/workflows/${workflowId}/runs`, { body: { input: body } }),
    onSuccess: (r) => setRunId(r.id),
    onError: (e) => setProblem(e instanceof ApiProblem ? e : null),
  });
  const run = useQuery({ ...runQuery(runId), enabled: runId !== null, refetchInterval: (q) => (isFinishedRun(q.state.data?.status ?? "") ? false : 500) });

  const close = (o: boolean) => {
    if (!o) {
      setRunId(null);
      setProblem(null);
    }
    onOpenChange(o);
  };
  const useJson = asJson || fields.length === 0;
  const submit = () => {
    setProblem(null);
    if (useJson) {
      try {
        start.mutate(JSON.parse(jsonText || "{}"));
      } catch (e) {
        setJsonError((e as Error).message);
      }
    } else start.mutate(input);
  };

  return (
    <Dialog open={open} onOpenChange={close} title={title ? `${title}, version ${activeVersion ?? "–"}` : `Run version ${activeVersion ?? "–"}`} description="Runs use the published version, not the draft." size="lg">
      {activeVersion === null ? (
        <p className="text-sm text-zinc-700">Publish the workflow first: runs need a published version.</p>
      ) : runId ? (
        <div className="space-y-4" data-testid="run-started">
          <p className="text-sm text-zinc-700">
            Run <code className="font-mono text-xs">{runId}</code> is{" "}
            <Badge tone={runTone[run.data?.status ?? "queued"] ?? "neutral"}>
              <span data-testid="run-status">{run.data?.status ?? "queued"}</span>
            </Badge>
          </p>
          {run.data?.error?.message ? <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{run.data.error.message}</p> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setRunId(null)}>Run again</Button>
            <Link href={`/runs/${runId}`} className="inline-flex h-9 items-center rounded-md bg-indigo-600 px-3.5 text-sm font-medium text-white hover:bg-indigo-500">
              Open run
            </Link>
          </div>
        </div>
      ) : (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          {fields.length > 0 ? (
            <label className="flex items-center gap-2 text-sm text-zinc-700">
              <input type="checkbox" checked={asJson} onChange={(e) => setAsJson(e.target.checked)} /> Edit the input as JSON
            </label>
          ) : null}
          {useJson ? (
            <div>
              <CodeEditor label="Run input (JSON)" value={jsonText} onChange={(t) => { setJsonText(t); setJsonError(null); }} minLines={6} invalid={!!jsonError} />
              {jsonError ? <p className="mt-1 text-xs text-red-600">Not valid JSON: {jsonError}</p> : null}
            </div>
          ) : (
            <ConfigForm fields={fields} value={input} onChange={setInput} errors={Object.fromEntries((problem?.errors ?? []).map((e) => [e.path.replace(/^input\./, ""), [e.message]]))} />
          )}
          {problem ? (
            <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {problem.message}
              {problem.errors.length ? (
                <ul className="mt-1 list-disc pl-5">{problem.errors.map((e, i) => <li key={i}>{e.message}</li>)}</ul>
              ) : null}
            </div>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => close(false)}>Cancel</Button>
            <Button type="submit" disabled={start.isPending}>{start.isPending ? "Starting…" : "Start run"}</Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
