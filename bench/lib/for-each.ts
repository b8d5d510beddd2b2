// For-each: `items` trivial items (each a child run of a one-transform body), in chunks of 100,
// ten at once, on one worker. Items a second, from the run's creation to its end, and the child
// runs' own latency (what bounds it at a parallelism of ten).
import type { Cluster } from "./cluster.ts";
import { publishWorkflow, startStack, waitForRuns } from "./cluster.ts";
import { linearDefinition } from "./scenarios.ts";
import { distribution, type Distribution } from "./stats.ts";

export interface ForEachResult {
  items: number;
  seconds: number;
  itemsPerSecond: number;
  /** Each item's child run, created → finished. */
  childRunMs: Distribution;
}

export async function forEachScenario(cluster: Cluster, items: number): Promise<ForEachResult> {
  const stack = await startStack(cluster, 1);
  try {
    const body = await publishWorkflow(stack.client, linearDefinition(1), "for-each body");
    const loop = await publishWorkflow(
      stack.client,
      {
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
          { id: "each", type: "for_each", position: { x: 200, y: 0 }, config: { items: "{{ input.items }}", workflowId: body, chunkSize: 100, parallelism: 10 } },
          { id: "end", type: "end", position: { x: 400, y: 0 }, config: {} },
        ],
        edges: [
          { id: "e1", source: "start", target: "each" },
          { id: "e2", source: "each", target: "end" },
        ],
      },
      "for-each",
    );
    const res = await stack.client.post(`/workflows/${loop}/runs`, { input: { items: Array.from({ length: items }, (_, i) => i) } }, { origin: null });
    if (res.status !== 202) throw new Error(`start failed: ${res.status} ${res.text}`);
    await waitForRuns(stack.db, [res.json.id], 3_600_000);
    const { rows } = await stack.db.pool.query(`select extract(epoch from finished_at - created_at)::float8 as seconds from runs where id = $1`, [res.json.id]);
    const { rows: children } = await stack.db.pool.query(
      `select extract(epoch from finished_at - created_at)::float8 * 1000 as ms from runs where parent_run_id = $1 and status = 'succeeded'`,
      [res.json.id],
    );
    if (children.length !== items) throw new Error(`${children.length} of ${items} items succeeded`);
    const seconds = rows[0].seconds as number;
    return { items, seconds, itemsPerSecond: items / seconds, childRunMs: distribution(children.map((c) => c.ms as number)) };
  } finally {
    await stack.stop();
  }
}
