// OpenTelemetry traces, exported with the standard OTLP/HTTP exporter to a receiver inside the
// test: a run started with a caller's traceparent joins the caller's trace; the request, the run,
// each step attempt, its hand-off and a sub-workflow's run and steps nest under one another with
// their attributes; an HTTP step sends its span's traceparent on; a failed step's span says so;
// the run names its trace.
import { afterAll, beforeAll, expect, it } from "vitest";
import { definition, linear, publish, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  status?: { code?: number; message?: string };
  attributes: Record<string, unknown>;
  service: string;
}

let engine: Engine;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.on("/v1/traces", (_req, _n, res) => json(res, 200, {}));
  server.on("/price", (_req, _n, res) => json(res, 200, { price: 12 }));
  server.on("/broken", (_req, _n, res) => json(res, 400, { error: "no such product" }));
  // The standard variables, as an operator would set them; spans leave every 100 ms.
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: server.url, OTEL_BSP_SCHEDULE_DELAY: "100", BATON_TRACE_URL: "http://jaeger.local/trace/{traceId}" };
  engine = await startEngine({ webEnv: otel, workerEnv: otel });
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

/** Every span received so far (OTLP/JSON: ids as hex, attributes as typed values). */
function received(): Span[] {
  const value = (v: Record<string, unknown>) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
  return server.calls("/v1/traces").flatMap((call) =>
    (JSON.parse(call.body).resourceSpans ?? []).flatMap((rs: { resource: { attributes: { key: string; value: Record<string, unknown> }[] }; scopeSpans: { spans: (Omit<Span, "attributes" | "service"> & { attributes?: { key: string; value: Record<string, unknown> }[] })[] }[] }) => {
      const service = String(value(rs.resource.attributes.find((a) => a.key === "service.name")!.value));
      return rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service, attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, value(a.value)])) })));
    }),
  );
}

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

it("puts a run, its steps and its sub-workflow in the caller's trace, nested, and passes the trace on", async () => {
  const editor = await engine.as("editor");
  const child = await publish(editor, linear([{ id: "inner", type: "transform", config: { output: "{{ input.sku }}" } }], { output: "{{ steps.inner.output }}" }), "child");
  const workflowId = await publish(
    editor,
    definition(
      [
        { id: "start", type: "start" },
        { id: "call", type: "http", config: { url: `${server.url}/price` } },
        { id: "sub", type: "subworkflow", config: { workflowId: child, input: { sku: "A-1" } } },
        { id: "end", type: "end", config: { output: "{{ steps.call.output.body.price }}" } },
      ],
      [["start", "call"], ["call", "sub"], ["sub", "end"]],
    ),
    "traced",
  );
  const started = await editor.post(`/workflows/${workflowId}/runs`, { input: {} }, { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } });
  expect(started.status).toBe(202);
  const run = await waitForRun(editor, started.json.id);
  expect(run.status).toBe("succeeded");
  expect(run.trace).toEqual({ id: CALLER_TRACE, url: `http://jaeger.local/trace/${CALLER_TRACE}` });

  const spans = await waitFor("the run's spans", () => {
    const all = received().filter((s) => s.traceId === CALLER_TRACE);
    return all.filter((s) => s.name === "step inner").length === 1 && all.some((s) => s.name === "step end") ? all : undefined;
  });
  const one = (name: string, where: (s: Span) => boolean = () => true) => {
    const found = spans.filter((s) => s.name === name && where(s));
    expect(found, name).toHaveLength(1);
    return found[0];
  };
  const request = one(`POST /api/v1/workflows/{id}/runs`);
  expect(request.parentSpanId).toBe(CALLER_SPAN);
  expect(request.service).toBe("baton-web");
  const runSpan = one("run", (s) => s.attributes["baton.run_id"] === run.id);
  expect(runSpan.parentSpanId).toBe(request.spanId);
  const call = one("step call");
  expect(call.parentSpanId).toBe(runSpan.spanId);
  expect(call.service).toBe("baton-worker");
  expect(call.attributes).toMatchObject({ "baton.run_id": run.id, "baton.workflow_id": workflowId, "baton.workflow.version": 1, "baton.node_id": "call", "baton.step.attempt": 1, "baton.step.type": "http", "baton.step.status": "succeeded" });
  expect(one("hand-off", (s) => s.parentSpanId === call.spanId).attributes["baton.run_id"]).toBe(run.id);
  // The sub-workflow's run is a child of the step that started it; its steps, of that run.
  const sub = one("step sub");
  const childRun = one("run", (s) => s.parentSpanId === sub.spanId);
  expect(one("step inner").parentSpanId).toBe(childRun.spanId);
  // The HTTP step told the service it called which span it was.
  expect(server.calls("/price")[0].headers.traceparent).toBe(`00-${CALLER_TRACE}-${call.spanId}-01`);
});

it("marks a failed step's span as an error with its message, and starts a new trace without a caller's", async () => {
  const editor = await engine.as("editor");
  const workflowId = await publish(editor, linear([{ id: "call", type: "http", config: { url: `${server.url}/broken` } }]), "broken");
  const started = await editor.post(`/workflows/${workflowId}/runs`, { input: {} });
  const run = await waitForRun(editor, started.json.id);
  expect(run.status).toBe("failed");
  expect(run.trace.id).toMatch(/^[\da-f]{32}$/);
  expect(run.trace.id).not.toBe(CALLER_TRACE);
  const span = await waitFor("the failed step's span", () => received().find((s) => s.traceId === run.trace.id && s.name === "step call"));
  expect(span.status?.code).toBe(2);
  expect(span.attributes["baton.step.status"]).toBe("failed");
  expect(String(span.attributes["baton.step.error"])).toContain("400");
});
