// This process's Prometheus metrics (prom-client): Node's own (event-loop lag, heap, GC) and
// what only this process sees. Every series carries `process` (web, or worker:<id>), so the
// web's /metrics can serve each worker's series next to its own without summing them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

let registry: Registry | undefined;

export function processRegistry(processName = process.env.BATON_PROCESS ?? "baton"): Registry {
  if (!registry) {
    registry = new Registry();
    registry.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: registry, prefix: "baton_" });
  }
  return registry;
}

/** The worker's step metrics, registered on first use. */
export function stepMetrics() {
  const r = processRegistry();
  const existing = r.getSingleMetric("baton_step_attempts_total") as Counter | undefined;
  if (existing) {
    return {
      attempts: existing,
      duration: r.getSingleMetric("baton_step_duration_seconds") as Histogram,
      inflight: r.getSingleMetric("baton_steps_in_flight") as Gauge,
    };
  }
  return {
    attempts: new Counter({ name: "baton_step_attempts_total", help: "Step attempts ended in this worker, by step type and outcome (succeeded, failed, waiting, held, interrupted, dropped).", labelNames: ["type", "outcome"], registers: [r] }),
    duration: new Histogram({
      name: "baton_step_duration_seconds",
      help: "How long a step attempt ran in this worker (templates, executor, result), by step type and outcome.",
      labelNames: ["type", "outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [r],
    }),
    inflight: new Gauge({ name: "baton_steps_in_flight", help: "Step attempts this worker is running now.", registers: [r] }),
  };
}
