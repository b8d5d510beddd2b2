"use client";
// "Test this step" in the side panel: runs the selected step as it is in the editor, alone, on a
// worker, against the sample data; shows its output or error, the config as resolved, its logs
// and how long it took. A good output can be pinned as the sample later steps are tested with.
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "#lib/client/api.ts";
import { duration, fullTime, timeAgo } from "#lib/client/format.ts";
import { cx } from "#lib/client/cx.ts";
import { actorName } from "#lib/runs/describe-event.ts";
import type { WorkflowNode } from "#lib/workflow/definition.ts";
import { Button } from "../../ui/button.tsx";
import { JsonView } from "../../ui/json-view.tsx";
import { CodeEditor } from "../code-editor.tsx";
import { samplesKey, type SampleState, type Samples } from "./use-samples.ts";

interface StepTest {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed";
  output: unknown;
  branch: string | null;
  waitUntil: string | null;
  resolved: unknown;
  error: { message: string; code?: string; details?: { status?: number } } | null;
  logs: { level: string; message: string; at: string }[];
  durationMs: number | null;
}

const finished = (t: StepTest | undefined) => t?.status === "succeeded" || t?.status === "failed";

/** Steps whose test reaches outside Baton: the person is told before they press. */
const SIDE_EFFECTS: Record<string, string> = { http: "Sends the request for real." };

/** Shown to people who may edit the workflow (testing needs workflows.write). */
export function StepTestPanel({ workflowId, node, sample }: { workflowId: string; node: WorkflowNode; sample: SampleState }) {
  const qc = useQueryClient();
  const [testId, setTestId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: () => api<{ id: string }>(`/workflows/${workflowId}/step-tests`, { body: { node, ...(sample.body ? { sample: sample.body } : {}) } }),
    onSuccess: (t) => setTestId(t.id),
  });
  const test = useQuery({
    queryKey: ["step-test", testId],
    queryFn: () => api<StepTest>(`/step-tests/${testId}`),
    enabled: !!testId,
    refetchInterval: (q) => (finished(q.state.data) ? false : 250),
  });
  const pin = useMutation({
    mutationFn: (output: unknown) => api<Samples>(`/workflows/${workflowId}/samples/${node.id}`, { method: "PUT", body: { output } }),
    onSuccess: (samples) => qc.setQueryData(samplesKey(workflowId), samples),
  });
  const unpin = useMutation({
    mutationFn: () => api<Samples>(`/workflows/${workflowId}/samples/${node.id}`, { method: "DELETE" }),
    onSuccess: (samples) => qc.setQueryData(samplesKey(workflowId), samples),
  });
  const result = test.data;
  const busy = start.isPending || (!!testId && !finished(result));
  const pinned = sample.samples?.sources[node.id];

  return (
    <section aria-labelledby="test-heading" className="mt-6" data-testid="step-test">
      <h3 id="test-heading" className="mb-2 text-xs font-semibold tracking-wide text-zinc-600 uppercase">
        Test this step
      </h3>
      <SampleSummary sample={sample} />
      <div className="mt-3 flex items-center gap-2">
        <Button size="sm" onClick={() => start.mutate()} disabled={busy || !!sample.error}>
          {busy ? "Testing…" : "Test step"}
        </Button>
        {SIDE_EFFECTS[node.type] ? <span className="text-xs text-amber-800">{SIDE_EFFECTS[node.type]}</span> : <span className="text-xs text-zinc-600">No run is created.</span>}
      </div>
      {start.error ? <Problem error={start.error} /> : null}
      {busy ? <Elapsed /> : null}
      {result && finished(result) ? (
        <div className="mt-3 space-y-2" data-testid="step-test-result" data-status={result.status}>
          <p className="text-sm" role="status">
            <span className={cx("font-semibold", result.status === "succeeded" ? "text-emerald-700" : "text-red-700")}>{result.status === "succeeded" ? "Succeeded" : "Failed"}</span>
            <span className="text-zinc-600">
              {result.durationMs !== null ? ` in ${duration(result.durationMs)}` : ""}
              {result.branch ? ` · takes the “${result.branch}” branch` : ""}
              {result.waitUntil ? ` · would wait until ${fullTime(result.waitUntil)}` : ""}
            </span>
          </p>
          {result.error ? (
            <p className="rounded-md bg-red-50 px-3 py-2 text-xs break-words text-red-900 ring-1 ring-red-200" data-testid="step-test-error">
              {result.error.details?.status ? <span className="mr-1 rounded bg-red-200 px-1 font-mono">HTTP {result.error.details.status}</span> : null}
              {result.error.message}
            </p>
          ) : null}
          {result.status === "succeeded" ? <JsonView label="Output" value={result.output} /> : null}
          {result.resolved !== null ? <JsonView label="Config as resolved" value={result.resolved} /> : null}
          {result.logs.length ? (
            <ol className="max-h-40 overflow-auto rounded-md bg-zinc-950 p-2 font-mono text-[11px] leading-relaxed text-zinc-200" aria-label="Test logs">
              {result.logs.map((l, i) => (
                <li key={i} className="break-all">
                  <span className="uppercase">{l.level}</span> {l.message}
                </li>
              ))}
            </ol>
          ) : null}
          {result.status === "succeeded" ? (
            <Button variant="secondary" size="sm" onClick={() => pin.mutate(result.output ?? null)} disabled={pin.isPending}>
              Pin this output as the sample
            </Button>
          ) : null}
        </div>
      ) : null}
      {pinned?.kind === "pinned" ? (
        <p className="mt-3 flex items-center justify-between gap-2 rounded-md bg-indigo-50 px-2.5 py-1.5 text-xs text-indigo-900" data-testid="pinned-sample">
          <span>
            Output pinned by {actorName(pinned.pinnedBy)} <span title={fullTime(pinned.pinnedAt)}>{timeAgo(pinned.pinnedAt)}</span>: later steps are tested with it.
          </span>
          <button type="button" className="shrink-0 font-medium underline" onClick={() => unpin.mutate()}>
            Unpin
          </button>
        </p>
      ) : null}
    </section>
  );
}

/** Where the sample comes from, and the JSON editor to write one's own. */
function SampleSummary({ sample }: { sample: SampleState }) {
  const [open, setOpen] = useState(false);
  const s = sample.samples;
  const pins = s ? Object.entries(s.sources).filter(([k, v]) => k !== "input" && v.kind === "pinned").length : 0;
  const run = s ? Object.values(s.sources).find((v) => v.kind === "run") : undefined;
  const origin =
    sample.text !== null
      ? "the sample you wrote"
      : !s
        ? "…"
        : run || pins
          ? [run?.kind === "run" ? `the last run (${run.runId.slice(0, 8)})` : null, pins ? `${pins} pinned output${pins > 1 ? "s" : ""}` : null].filter(Boolean).join(" and ")
          : "nothing yet: no run, no pinned output. Templates see an empty input.";
  return (
    <div className="text-xs text-zinc-700">
      <p>
        Sample data: <span data-testid="sample-origin">{origin}</span>{" "}
        <button
          type="button"
          className="font-medium text-indigo-700 underline"
          aria-expanded={open}
          onClick={() => {
            if (!open && sample.text === null && s) sample.setText(JSON.stringify({ input: s.input, steps: s.steps }, null, 2));
            setOpen(!open);
          }}
        >
          {open ? "Hide" : "Edit"}
        </button>
        {sample.text !== null ? (
          <>
            {" · "}
            <button type="button" className="font-medium text-indigo-700 underline" onClick={() => (sample.setText(null), setOpen(false))}>
              Use the workflow’s
            </button>
          </>
        ) : null}
      </p>
      {open ? (
        <div className="mt-2">
          <CodeEditor label="Sample data (JSON)" value={sample.text ?? ""} onChange={(t) => sample.setText(t)} minLines={6} invalid={!!sample.error} />
          {sample.error ? <p className="mt-1 text-xs text-red-700">{sample.error}</p> : null}
        </div>
      ) : null}
    </div>
  );
}

function Elapsed() {
  const [since] = useState(() => Date.now());
  const [now, setNow] = useState(since);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return (
    <p className="mt-2 text-xs text-sky-800" role="status">
      Testing on a worker… {duration(now - since)}
    </p>
  );
}

function Problem({ error }: { error: Error }) {
  return (
    <div role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-xs text-red-800">
      {error.message}
      {error instanceof ApiProblem && error.errors.length ? (
        <ul className="mt-1 list-disc pl-4">
          {error.errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
