// OpenTelemetry traces: a run is a trace. Its own span ("run <workflow>") is made when it is
// created, as a child of the request that started it (whose `traceparent` is honoured, so a run
// joins its caller's trace) or of the step that started it (a sub-workflow); its traceparent is
// kept on the run, and each step attempt's span is its child, in whichever worker runs it. HTTP
// steps send their span's traceparent on.
//
// On only when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; the exporter reads the other standard OTEL_* variables:
// headers, protocol, timeout; OTEL_SDK_DISABLED=true turns it off). Off, the API's no-op tracer
// is used: spans are not recorded and nothing is kept on runs.
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from "@opentelemetry/sdk-trace";

let provider: TracerProvider | undefined;

export const tracingConfigured = () => !!(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && process.env.OTEL_SDK_DISABLED !== "true";

/** Starts exporting this process's spans, if configured; `service` is its default service.name. */
export function startTracing(service: string): void {
  if (provider || !tracingConfigured()) return;
  const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": process.env.OTEL_SERVICE_NAME ?? service }),
    sampler: samplerFromEnv(),
    // The SDK leaves the standard batch variables to its callers: read here.
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter(),
        scheduledDelayMillis: number("OTEL_BSP_SCHEDULE_DELAY"),
        maxQueueSize: number("OTEL_BSP_MAX_QUEUE_SIZE"),
        maxExportBatchSize: number("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"),
        exportTimeoutMillis: number("OTEL_BSP_EXPORT_TIMEOUT"),
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG, as the specification names them. */
function samplerFromEnv(): Sampler {
  const ratio = Number(process.env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (process.env.OTEL_TRACES_SAMPLER) {
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case "always_on":
      return new AlwaysOnSampler();
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** Sends what is buffered (before a process stops, and in tests). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

const tracer = () => trace.getTracer("baton");

/** The context a W3C traceparent names (the root context for none or a malformed one). */
export function contextOf(traceparent: string | null | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** The context whose active span is `span` (for its children). */
export const childOf = (span: Span): Context => trace.setSpan(ROOT_CONTEXT, span);

/** A span's W3C traceparent, or undefined when tracing is off (nothing to pass on). */
export function traceparentOf(span: Span): string | undefined {
  if (!span.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier.traceparent;
}

/** The trace id in a traceparent (`00-<trace id>-<span id>-<flags>`). */
export const traceIdOf = (traceparent: string | null | undefined): string | null => (traceparent ? (/^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent)?.[1] ?? null) : null);

export function startSpan(name: string, parent: Context, attributes: Attributes = {}): Span {
  return tracer().startSpan(name, { attributes }, parent);
}

/** Ends a span with its outcome: an error sets its status and records the exception. */
export function endSpan(span: Span, error?: unknown, attributes: Attributes = {}): void {
  span.setAttributes(attributes);
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
    if (error instanceof Error) span.recordException(error);
  }
  span.end();
}

/** Runs `work` in a span (a child of `parent`), ending it with the outcome. */
export async function inSpan<T>(name: string, parent: Context, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  const span = startSpan(name, parent, attributes);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => work(span));
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}
