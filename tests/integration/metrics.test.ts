// Logs: a run's lines carry its id in the web and in the worker, so one filter finds them all.
// GET /metrics: refused without a token, a session or the metrics token; parsed with a
// Prometheus text parser; the families the dashboard's questions need are there, and the
// counters move as runs finish (runs from the database, step attempts from the worker's own
// registry, which it writes every few seconds).
import { afterAll, beforeAll, expect, it } from "vitest";
import parse, { type Family } from "parse-prometheus-text-format";
import { linear, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";

const METRICS_TOKEN = "scraper-token-0123456789";
let engine: Engine;
beforeAll(async () => {
  engine = await startEngine({ webEnv: { BATON_METRICS_TOKEN: METRICS_TOKEN } });
});
afterAll(async () => {
  await engine?.stop();
});

async function scrape(headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) {
  const res = await fetch(`${engine.web.url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

const family = (families: Family[], name: string) => families.find((f) => f.name === name);
const value = (families: Family[], name: string, labels: Record<string, string>) =>
  Number(family(families, name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? 0);
const sum = (families: Family[], name: string, labels: Record<string, string>) =>
  (family(families, name)?.metrics ?? []).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)).reduce((n, m) => n + Number(m.value), 0);

it("answers only a scraper with the token or someone who may read", async () => {
  expect((await scrape({})).status).toBe(401);
  const wrong = await scrape({ authorization: "Bearer not-the-token-at-all" });
  expect(wrong.status).toBe(401);
  expect(wrong.type).toContain("application/problem+json");
  const viewer = await engine.as("viewer");
  expect((await scrape({ cookie: viewer.cookie! })).status).toBe(200);
  const ok = await scrape();
  expect(ok.status).toBe(200);
  expect(ok.type).toContain("text/plain");
});

it("has the families operators alert on, and its counters move as runs finish", async () => {
  const editor = await engine.as("editor");
  const workflowId = await publish(editor, linear([{ id: "price", type: "transform", config: { output: "{{ $number(input.amount) }}" }, retry: { maxAttempts: 1 } }]), "metered");
  const before = parse((await scrape()).text);
  const names = before.map((f) => f.name);
  for (const name of [
    "baton_runs_started_total",
    "baton_runs_finished_total",
    "baton_queue_jobs",
    "baton_dead_letters_open",
    "baton_runs_stuck",
    "baton_approvals_waiting",
    "baton_steps_waiting",
    "baton_steps_held",
    "baton_breaker_state",
    "baton_workers",
    "baton_steps_running",
    "baton_sse_subscribers",
    "baton_nodejs_eventloop_lag_seconds",
  ]) {
    expect(names, name).toContain(name);
  }
  expect(family(before, "baton_runs_finished_total")?.type).toBe("COUNTER");
  expect(value(before, "baton_workers", {})).toBe(1);

  const runs = await Promise.all([{ amount: "12" }, { amount: "30" }, { amount: "lots" }].map((input) => runWorkflow(editor, workflowId, input)));
  const ended = await Promise.all(runs.map((id) => waitForRun(editor, id)));
  expect(ended.map((r) => r.status).sort()).toEqual(["failed", "succeeded", "succeeded"]);
  let text = "";
  const after = await waitFor("the worker's step counts", async () => {
    text = (await scrape()).text;
    const families = parse(text);
    return sum(families, "baton_step_attempts_total", { type: "transform" }) >= 3 ? families : undefined;
  });
  expect(value(after, "baton_runs_started_total", { workflow: "metered" })).toBe(3);
  expect(value(after, "baton_runs_finished_total", { workflow: "metered", status: "succeeded" })).toBe(2);
  expect(value(after, "baton_runs_finished_total", { workflow: "metered", status: "failed" })).toBe(1);
  expect(sum(after, "baton_step_attempts_total", { type: "transform", outcome: "succeeded" })).toBe(2);
  expect(sum(after, "baton_step_attempts_total", { type: "transform", outcome: "failed" })).toBe(1);
  // The worker's series say which worker they are from; its step durations are a histogram.
  const attempts = family(after, "baton_step_attempts_total")!.metrics;
  expect(attempts.every((m) => m.labels?.process?.startsWith("worker:"))).toBe(true);
  const duration = family(after, "baton_step_duration_seconds")!;
  expect(duration.type).toBe("HISTOGRAM");
  // (The parser keeps a histogram's buckets but not its labelled _count lines: read those as text.)
  const counts = [...text.matchAll(/^baton_step_duration_seconds_count\{([^}]*)\} (\d+)$/gm)].filter(([, labels]) => labels.includes('type="transform"'));
  expect(counts.reduce((n, [, , count]) => n + Number(count), 0)).toBe(3);
  expect(value(after, "baton_dead_letters_open", {})).toBe(1);
});

it("writes the run's id on its lines in the web and the worker", async () => {
  const editor = await engine.as("editor");
  const workflowId = await publish(editor, linear([{ id: "boom", type: "transform", config: { output: "{{ $error('no stock') }}" } }]), "logged");
  const runId = await runWorkflow(editor, workflowId);
  expect((await waitForRun(editor, runId)).status).toBe("failed");
  const lines = (text: string) => text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.runId === runId);
  const web = lines(engine.web.output());
  expect(web).toEqual([expect.objectContaining({ proc: "web", msg: "run started", workflowId, reqId: expect.any(String) })]);
  const worker = await waitFor("the worker's line", () => {
    const found = lines(engine.workers[0].output());
    return found.length ? found : undefined;
  });
  expect(worker[0]).toMatchObject({ proc: "worker", runId, workflowId, nodeId: "boom", attempt: 1, msg: "attempt failed" });
});
