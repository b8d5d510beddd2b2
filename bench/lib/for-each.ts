// For-each: `items` trivial items in chunks of 100, ten at once, on one worker, with each body
// the engine offers: a drawn step (one transform, a step run per item) and a workflow (a child run
// of a one-transform workflow per item). Items a second, from the run's creation to its end, and
// each item's own latency (what bounds it at a parallelism of ten).
import type { Cluster } from "./cluster.ts";
import { publishWorkflow, startStack, waitForRuns } from "./cluster.ts";
import { linearDefinition } from "./scenarios.ts";
import { distribution, type Distribution } from "./stats.ts";

export interface ForEachBodyResult {
  items: number;
  seconds: number;
  itemsPerSecond: number;
  /** Each item's body: its step run or child run, created → finished. */
  itemMs: Distribution;
}

export interface ForEachResult {
  drawn: ForEachBodyResult;
  workflow: ForEachBodyResult;
}

export async function forEachScenario(cluster: Cluster, items: number): Promise<ForEachResult> {
  const stack = await startStack(cluster, 1);
  try {
    const run = async (loop: string, itemsSql: string): Promise<ForEachBodyResult> => {
      const res = await stack.client.post(`/workflows/${loop}/runs`, { input: { items: Array.from({ length: items }, (_, i) => i) } }, { origin: null });
      if (res.status !== 202) throw new Error(`start failed: ${res.status} ${res.text}`);
      await waitForRuns(stack.db, [res.json.id], 3_600_000);
      const { rows } = await stack.db.pool.query(`select status, extract(epoch from finished_at - created_at)::float8 as seconds from runs where id = $1`, [res.json.id]);
      if (rows[0].status !== "succeeded") throw new Error(`the for-each run ${rows[0].status}`);
      const { rows: bodies } = await stack.db.pool.query(itemsSql, [res.json.id]);
      if (bodies.length !== items) throw new Error(`${bodies.length} of ${items} items succeeded`);
      const seconds = rows[0].seconds as number;
      return { items, seconds, itemsPerSecond: items / seconds, itemMs: distribution(bodies.map((c) => c.ms as number)) };
    };
    const loop = (config: Record<string, unknown>, body?: Record<string, unknown>) => ({
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
        { id: "each", type: "for_each", position: { x: 200, y: 0 }, config: { items: "{{ input.items }}", chunkSize: 100, parallelism: 10, ...config } },
        { id: "end", type: "end", position: { x: 400, y: 0 }, config: {} },
        ...(body ? [body] : []),
      ],
      edges: [
        { id: "e1", source: "start", target: "each" },
        { id: "e2", source: "each", target: "end" },
        ...(body ? [{ id: "e3", source: "each", target: body.id, kind: "body" }] : []),
      ],
    });
    const drawn = await publishWorkflow(stack.client, loop({}, { id: "double", type: "transform", position: { x: 200, y: 200 }, config: { output: "{{ item * 2 }}" } }), "for-each, drawn body");
    const drawnResult = await run(
      drawn,
      `select extract(epoch from finished_at - queued_at)::float8 * 1000 as ms from step_runs where run_id = $1 and iteration > 0 and status = 'succeeded'`,
    );
    const body = await publishWorkflow(stack.client, linearDefinition(1), "for-each body");
    const workflow = await publishWorkflow(stack.client, loop({ workflowId: body }), "for-each, workflow body");
    const workflowResult = await run(
      workflow,
      `select extract(epoch from finished_at - created_at)::float8 * 1000 as ms from runs where parent_run_id = $1 and status = 'succeeded'`,
    );
    return { drawn: drawnResult, workflow: workflowResult };
  } finally {
    await stack.stop();
  }
}
