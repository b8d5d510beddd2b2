// What evaluating in separate processes costs: one step's templates (three of them) resolved in
// the bench's own thread, as the engine did before, and through the evaluator pool, one at a
// time (latency) and twenty at once (throughput, as a busy worker asks).
import { resolveTemplates } from "../../lib/expressions/evaluate.ts";
import { ExpressionPool } from "../../lib/expressions/pool.ts";
import type { RunContext } from "../../lib/workflow/templates.ts";

export interface ExpressionPoolResult {
  evaluations: number;
  inThread: { perSecond: number; microsEach: number };
  pool: { sequentialMicrosEach: number; concurrentPerSecond: number; processes: number };
}

const context: RunContext = {
  input: { n: 41, name: "Ada", items: Array.from({ length: 20 }, (_, i) => ({ sku: `S-${i}`, qty: i })) },
  steps: { fetch: { output: { status: 200, body: { total: 1234.5, lines: Array.from({ length: 10 }, (_, i) => ({ i })) } } } },
  run: { id: "r", workflowId: "w", attempt: 1 },
};
const config = { n: "{{ input.n + 1 }}", greeting: "Hello {{ input.name }}", total: { lines: "{{ $count(steps.fetch.output.body.lines) }}" } };

export async function expressionPoolScenario(options: { evaluations: number; processes: number }): Promise<ExpressionPoolResult> {
  const n = options.evaluations;
  for (let i = 0; i < 200; i++) await resolveTemplates(config, context); // warm the JIT and the parse cache
  let t0 = performance.now();
  for (let i = 0; i < n; i++) await resolveTemplates(config, context);
  const inThreadMs = performance.now() - t0;

  const pool = new ExpressionPool({ processes: options.processes, timeoutMs: 1000, memoryMb: 256, maxResultBytes: 8 << 20 });
  try {
    await Promise.all(Array.from({ length: 200 }, () => pool.resolve(config, context)));
    t0 = performance.now();
    for (let i = 0; i < n; i++) await pool.resolve(config, context);
    const sequentialMs = performance.now() - t0;
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next++ < n) await pool.resolve(config, context);
      }),
    );
    const concurrentMs = performance.now() - t0;
    return {
      evaluations: n,
      inThread: { perSecond: (n / inThreadMs) * 1000, microsEach: (inThreadMs / n) * 1000 },
      pool: { sequentialMicrosEach: (sequentialMs / n) * 1000, concurrentPerSecond: (n / concurrentMs) * 1000, processes: options.processes },
    };
  } finally {
    await pool.close();
  }
}
