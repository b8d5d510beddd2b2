// Next calls register() once when the web server starts: traces are exported from here when an
// OTLP endpoint is configured (lib/tracing/tracing.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startTracing } = await import("./lib/tracing/tracing.ts");
    startTracing("baton-web");
  }
}
