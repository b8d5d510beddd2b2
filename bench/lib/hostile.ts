// What a hostile workflow author costs everyone else, measured through the API only (so the
// same file measures an older commit too):
// - expression attack: the latency of ordinary runs, one after another, while runs whose
//   template is hostile keep one of the worker's evaluators busy (the catastrophic regex
//   `$contains("aaa…!", /^(a+)+$/)` and a regex replace over 30 million characters);
// - draft attack: saving a draft with a 160,000-brace config string, and reading back one just
//   under the string limit.
import { publishWorkflow, startStack, waitForRuns, type Cluster, type Stack } from "./cluster.ts";
import { distribution, type Distribution } from "./stats.ts";

export interface HostileResult {
  /** Ordinary run latency, API accepted → succeeded, ms. */
  idle: Distribution;
  underRegexAttack: Distribution;
  underBlockingAttack: Distribution;
  /** How the hostile runs ended (with their first error). */
  hostileOutcomes: Record<string, string>;
  draft: { bracesStatus: number; bracesMs: number; nearLimitSaveMs: number; nearLimitReadMs: number };
}

const linear = (nodes: { id: string; type: string; config: Record<string, unknown> }[]) => {
  const all = [{ id: "start", type: "start", config: {} }, ...nodes, { id: "end", type: "end", config: {} }];
  return {
    nodes: all.map((n, i) => ({ ...n, position: { x: i * 200, y: 0 } })),
    edges: all.slice(1).map((n, i) => ({ id: `e${i}`, source: all[i].id, target: n.id })),
  };
};

const ordinary = linear([
  { id: "a", type: "transform", config: { output: { n: "{{ input.n + 1 }}" } } },
  { id: "b", type: "transform", config: { output: { n: "{{ steps.a.output.n * 2 }}" } } },
]);
const REGEX = `{{ $contains("${"a".repeat(27)}!", /^(a+)+$/) }}`;
const BLOCKING = '{{ $length($replace($pad("", 30000000, "a"), /a/, "bb")) }}';

async function runOnce(stack: Stack, workflowId: string, input: unknown): Promise<string> {
  const res = await stack.client.post(`/workflows/${workflowId}/runs`, { input }, { origin: null });
  if (res.status !== 202) throw new Error(`start failed: ${res.status} ${res.text}`);
  return res.json.id;
}

async function latencies(stack: Stack, workflowId: string, runs: number): Promise<number[]> {
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    const id = await runOnce(stack, workflowId, { n: i });
    await waitForRuns(stack.db, [id], 600_000);
    ids.push(id);
  }
  const { rows } = await stack.db.pool.query(`select extract(epoch from finished_at - created_at) * 1000 as ms from runs where id = any($1::uuid[])`, [ids]);
  return rows.map((r) => Number(r.ms));
}

/** Keeps `inFlight` hostile runs going until `stop`; returns how they ended. */
function keepAttacking(stack: Stack, workflowId: string, inFlight: number) {
  let stopped = false;
  const outcomes: Record<string, string> = {};
  const loops = Array.from({ length: inFlight }, async () => {
    while (!stopped) {
      const id = await runOnce(stack, workflowId, {});
      for (;;) {
        const { rows } = await stack.db.pool.query(`select status, (select error->>'message' from step_runs where run_id = $1 and node_id = 'evil') as error from runs where id = $1`, [id]);
        if (["succeeded", "failed", "cancelled"].includes(rows[0].status)) {
          const key = `${rows[0].status}${rows[0].error ? `: ${String(rows[0].error).slice(0, 120)}` : ""}`;
          outcomes[key] = key;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return Object.keys(outcomes);
    },
  };
}

export async function hostileScenario(cluster: Cluster, options: { runs: number }): Promise<HostileResult> {
  const stack = await startStack(cluster, 1);
  try {
    const normal = await publishWorkflow(stack.client, ordinary, "ordinary");
    const regex = await publishWorkflow(stack.client, linear([{ id: "evil", type: "transform", config: { output: REGEX } }]), "regex attack");
    const blocking = await publishWorkflow(stack.client, linear([{ id: "evil", type: "transform", config: { output: BLOCKING } }]), "blocking attack");
    await latencies(stack, normal, 3); // warm-up
    const idle = distribution(await latencies(stack, normal, options.runs));

    const outcomes: Record<string, string> = {};
    const measureUnder = async (workflowId: string, name: string) => {
      const attack = keepAttacking(stack, workflowId, 1);
      await new Promise((r) => setTimeout(r, 300));
      const under = distribution(await latencies(stack, normal, options.runs));
      outcomes[name] = (await attack.stop()).join(" | ");
      return under;
    };
    const underRegexAttack = await measureUnder(regex, "regex");
    const underBlockingAttack = await measureUnder(blocking, "blocking");

    // The draft attack, timed at the API.
    const { json: wf } = await stack.client.post("/workflows", { name: "braces" }, { origin: null });
    const timed = async (work: () => Promise<{ status: number }>) => {
      const t0 = performance.now();
      const { status } = await work();
      return { status, ms: performance.now() - t0 };
    };
    const braces = await timed(() => stack.client.put(`/workflows/${wf.id}/draft`, { definition: linear([{ id: "t", type: "transform", config: { output: "{".repeat(160_000) } }]) }, { origin: null }));
    const near = await timed(() => stack.client.put(`/workflows/${wf.id}/draft`, { definition: linear([{ id: "t", type: "transform", config: { output: "{{".repeat(49_000) } }]) }, { origin: null }));
    const read = await timed(() => stack.client.get(`/workflows/${wf.id}`));
    return {
      idle,
      underRegexAttack,
      underBlockingAttack,
      hostileOutcomes: outcomes,
      draft: { bracesStatus: braces.status, bracesMs: braces.ms, nearLimitSaveMs: near.status === 200 ? near.ms : NaN, nearLimitReadMs: read.ms },
    };
  } finally {
    await stack.stop();
  }
}
