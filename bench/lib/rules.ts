// What business rules cost a step. A Decide step on a 1,000-row table against a transform step
// with a template of the same kind (both resolved in the expression processes), and a template
// asking a flag ($flag) against the same template without it; each step's own duration (its
// start to its result, as the run records it), runs one at a time on an idle stack. Also the
// pure evaluation in this process: a 1,000-row table decided, a flag answered.
import { performance } from "node:perf_hooks";
import { publishWorkflow, startStack, waitForRuns, type Cluster } from "./cluster.ts";
import { distribution, sleep, type Distribution } from "./stats.ts";
import { compileTable, decide, type DecisionTable } from "../../lib/rules/decision-table.ts";
import { evaluateFlag, flagDefinitionSchema } from "../../lib/flags/definition.ts";

export interface RulesResult {
  rows: number;
  runs: number;
  /** Step durations (ms), as recorded on the step runs. */
  transformStepMs: Distribution;
  decideStepMs: Distribution;
  templateStepMs: Distribution;
  flagTemplateStepMs: Distribution;
  /** In this process, per evaluation (µs). */
  decideUs: Distribution;
  flagUs: Distribution;
}

const ROWS = 1000;

/** total in [10 i, 10 i + 9] → tier i; region narrows every other row. */
const table = (): DecisionTable => ({
  inputs: [
    { name: "total", type: "number" },
    { name: "region", type: "string" },
  ],
  outputs: [{ name: "tier", type: "number" }],
  hitPolicy: "first",
  rows: Array.from({ length: ROWS }, (_, i) => ({ id: `r${i + 1}`, when: [`between ${i * 10} and ${i * 10 + 9}`, i % 2 ? 'in ["EU", "UK"]' : "-"], then: [i] })),
});

const flag = {
  kind: "boolean" as const,
  enabled: true,
  variants: [],
  offValue: false,
  bucketBy: "userId",
  rules: [{ id: "beta", description: "", conditions: [{ attribute: "plan", type: "string" as const, test: 'in ["beta", "staff"]' }], serve: { value: true } }],
  fallthrough: { rollout: [{ value: true, weight: 30 }, { value: false, weight: 70 }] },
};

const oneStep = (step: Record<string, unknown>) => ({
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
    { id: "step", position: { x: 200, y: 0 }, ...step },
    { id: "end", type: "end", position: { x: 400, y: 0 }, config: {} },
  ],
  edges: [
    { id: "e1", source: "start", target: "step" },
    { id: "e2", source: "step", target: "end" },
  ],
});

export async function rulesScenario(cluster: Cluster, options: { runs: number; evaluations: number }): Promise<RulesResult> {
  // The pure parts first, in this process.
  const compiled = compileTable(table()).compiled!;
  const decideUs: number[] = [];
  for (let i = 0; i < options.evaluations; i++) {
    const t = performance.now();
    await decide(compiled, { total: (i * 7919) % (ROWS * 10), region: "EU" });
    decideUs.push((performance.now() - t) * 1000);
  }
  const snapshot = { key: "bench-flag", version: 1, definition: flagDefinitionSchema.parse(flag) };
  const flagUs: number[] = [];
  for (let i = 0; i < options.evaluations; i++) {
    const t = performance.now();
    evaluateFlag(snapshot, { userId: `user-${i}`, plan: i % 10 ? "pro" : "beta" });
    flagUs.push((performance.now() - t) * 1000);
  }

  const stack = await startStack(cluster, 1);
  try {
    const client = stack.client;
    const ok = (res: { status: number; text: string }, what: string) => {
      if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
    };
    ok(await client.post("/rule-sets", { key: "bench-tiers", name: "Tiers", table: table() }, { origin: null }), "rule set");
    ok(await client.post("/rule-sets/bench-tiers/versions", {}, { origin: null }), "publish rule set");
    ok(await client.post("/flags", { key: "bench-flag", name: "Bench", definition: flag }, { origin: null }), "flag");
    // Pairs that differ only in what is measured: a template through the expression processes each.
    const workflows = {
      transform: oneStep({ type: "transform", config: { output: { tier: "{{ $number(input.total) }}", region: "{{ $string(input.region) }}" } } }),
      decide: oneStep({ type: "decide", config: { ruleSet: "bench-tiers", inputs: { total: "{{ $number(input.total) }}", region: "{{ $string(input.region) }}" } } }),
      template: oneStep({ type: "transform", config: { output: { user: "{{ $string(input.userId) }}" } } }),
      flagTemplate: oneStep({ type: "transform", config: { output: { user: '{{ $flag("bench-flag", { "userId": input.userId, "plan": input.plan }) }}' } } }),
    };
    const durations: Record<keyof typeof workflows, number[]> = { transform: [], decide: [], template: [], flagTemplate: [] };
    for (const [name, definition] of Object.entries(workflows) as [keyof typeof workflows, unknown][]) {
      const id = await publishWorkflow(client, definition, `rules bench: ${name}`);
      const ids: string[] = [];
      for (let i = 0; i < options.runs; i++) {
        const res = await client.post(`/workflows/${id}/runs`, { input: { total: (i * 7919) % (ROWS * 10), region: "EU", userId: `user-${i}`, plan: "pro" } }, { origin: null });
        ok(res, "start run");
        await waitForRuns(stack.db, [res.json.id]);
        ids.push(res.json.id);
        await sleep(10);
      }
      const { rows } = await stack.db.pool.query(`select extract(epoch from (finished_at - started_at)) * 1000 as ms from step_runs where run_id = any($1::uuid[]) and node_id = 'step'`, [ids]);
      durations[name] = rows.map((r) => Number(r.ms));
    }
    return {
      rows: ROWS,
      runs: options.runs,
      transformStepMs: distribution(durations.transform),
      decideStepMs: distribution(durations.decide),
      templateStepMs: distribution(durations.template),
      flagTemplateStepMs: distribution(durations.flagTemplate),
      decideUs: distribution(decideUs),
      flagUs: distribution(flagUs),
    };
  } finally {
    await stack.stop();
  }
}
