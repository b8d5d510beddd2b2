// `npm run bench:profile`: where Postgres spends its time on the hot path. Runs 1000 runs of the
// 10-step linear workflow on one worker, with pg_stat_statements loaded, and prints the costliest
// statements (calls, execution and planning ms, mean ms). Use it before and after a change to
// the engine's SQL; the figures are for comparing, not for quoting.
import { startCluster, startStack, publishWorkflow, stopOnSignal, waitForRuns } from "./lib/cluster.ts";
import { linearDefinition } from "./lib/scenarios.ts";

process.env.BENCH_PG_SETTINGS ??= "shared_preload_libraries=pg_stat_statements pg_stat_statements.track_planning=on";
const runs = Number(process.argv[2] ?? 1000);
const cluster = await startCluster((line) => console.error(`[profile] ${line}`));
stopOnSignal(() => cluster.stop());
const stack = await startStack(cluster, 1);
try {
  await stack.db.pool.query("create extension if not exists pg_stat_statements");
  const id = await publishWorkflow(stack.client, linearDefinition(10), "profile");
  await stack.db.pool.query("select pg_stat_statements_reset()");
  const ids: string[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (ids.length < runs) {
        const res = await stack.client.post(`/workflows/${id}/runs`, { input: {} }, { origin: null });
        ids.push(res.json.id);
      }
    }),
  );
  await waitForRuns(stack.db, ids);
  const seconds = (Date.now() - started) / 1000;
  console.log(`${ids.length} runs, ${ids.length * 11} steps in ${seconds.toFixed(1)} s: ${Math.round((ids.length * 11) / seconds)} steps/s\n`);
  const { rows } = await stack.db.pool.query(
    `select calls, round(total_exec_time::numeric) as exec_ms, round(total_plan_time::numeric) as plan_ms,
            round(((total_exec_time + total_plan_time) / greatest(calls, 1))::numeric, 3) as mean_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 100) as statement
       from pg_stat_statements order by total_exec_time + total_plan_time desc limit 20`,
  );
  console.table(rows);
} finally {
  await stack.stop();
  await cluster.stop();
}
