// Engine scenarios, measured through the API and from the engine's own timestamps.
import type { DbHandles } from "../../lib/db.ts";
import type { Client } from "../../tests/helpers/http.ts";
import { publishWorkflow, startStack, waitForRuns, type Cluster, type Stack } from "./cluster.ts";
import { sampleRss } from "./rss.ts";
import { distribution, sleep, type Distribution } from "./stats.ts";

interface Definition {
  nodes: { id: string; type: string; position: { x: number; y: number }; config: Record<string, unknown> }[];
  edges: { id: string; source: string; target: string }[];
}

/** start → n transforms → end. */
export function linearDefinition(n: number): Definition {
  const ids = ["start", ...Array.from({ length: n }, (_, i) => `t${i + 1}`), "end"];
  return {
    nodes: ids.map((id, i) => ({
      id,
      type: id === "start" ? "start" : id === "end" ? "end" : "transform",
      position: { x: i * 200, y: 0 },
      config: id === "start" || id === "end" ? {} : { output: { step: i } },
    })),
    edges: ids.slice(1).map((id, i) => ({ id: `e${i}`, source: ids[i], target: id })),
  };
}

/** start → n Code steps, each a trivial script (what the sandbox costs per step) → end. */
export function linearCodeDefinition(n: number): Definition {
  const base = linearDefinition(n);
  return { ...base, nodes: base.nodes.map((node, i) => (node.type === "transform" ? { ...node, type: "code", config: { code: `return { step: ${i} }` } } : node)) };
}

/**
 * start → n transforms that each read the one before through templates → end. With `functions`,
 * each step's templates call a JSONata function, so they go to an evaluator process; without,
 * they are paths and arithmetic, evaluated inline (lib/expressions/bounded.ts).
 */
export function linearTemplatedDefinition(n: number, functions: boolean): Definition {
  const definition = linearDefinition(n);
  for (const [i, node] of definition.nodes.entries()) {
    if (node.type !== "transform") continue;
    const previous = i === 1 ? "input" : `steps.${definition.nodes[i - 1].id}.output`;
    const total = `(${previous}.total ? ${previous}.total : 0) + ${i}`;
    node.config = { output: { step: i, total: functions ? `{{ $sum([${total}]) }}` : `{{ ${total} }}`, label: functions ? `step {{ $string(${i}) }}` : `step {{ ${i} }}` } };
  }
  return definition;
}

/** start → `width` parallel transforms → one join (end). */
export function fanOutDefinition(width: number): Definition {
  const branches = Array.from({ length: width }, (_, i) => `b${i + 1}`);
  return {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
      ...branches.map((id, i) => ({ id, type: "transform", position: { x: 200, y: i * 80 }, config: { output: i } })),
      { id: "join", type: "end", position: { x: 400, y: 0 }, config: {} },
    ],
    edges: branches.flatMap((id, i) => [
      { id: `in${i}`, source: "start", target: id },
      { id: `out${i}`, source: id, target: "join" },
    ]),
  };
}

/** Steps a run executes as jobs (the start step is completed when the run is created). */
const jobSteps = (d: Definition) => d.nodes.length - 1;

async function startRuns(client: Client, workflowId: string, n: number, parallel = 20): Promise<string[]> {
  const ids: string[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++;
        const res = await client.post(`/workflows/${workflowId}/runs`, { input: {} }, { origin: null });
        if (res.status !== 202) throw new Error(`start failed: ${res.status} ${res.text}`);
        ids[i] = res.json.id;
      }
    }),
  );
  return ids;
}

/** Previous step finished → next step started, for every step of the given runs (ms). */
async function handoffs(db: DbHandles, runIds: string[], definition: Definition): Promise<number[]> {
  const { rows } = await db.pool.query(
    `select s.run_id, s.node_id, extract(epoch from s.started_at) * 1000 as started, extract(epoch from s.finished_at) * 1000 as finished
       from step_runs s where s.run_id = any($1::uuid[])`,
    [runIds],
  );
  const byRun = new Map<string, Map<string, { started: number; finished: number }>>();
  for (const r of rows) {
    if (!byRun.has(r.run_id)) byRun.set(r.run_id, new Map());
    byRun.get(r.run_id)!.set(r.node_id, { started: Number(r.started), finished: Number(r.finished) });
  }
  const preds = new Map<string, string[]>();
  for (const e of definition.edges) preds.set(e.target, [...(preds.get(e.target) ?? []), e.source]);
  const values: number[] = [];
  for (const steps of byRun.values()) {
    for (const [node, t] of steps) {
      const before = (preds.get(node) ?? []).map((p) => steps.get(p)?.finished ?? NaN);
      if (before.length && before.every(Number.isFinite)) values.push(t.started - Math.max(...before));
    }
  }
  return values;
}

async function runLatencies(db: DbHandles, runIds: string[]): Promise<number[]> {
  const { rows } = await db.pool.query(
    `select extract(epoch from (finished_at - created_at)) * 1000 as ms from runs where id = any($1::uuid[])`,
    [runIds],
  );
  return rows.map((r) => Number(r.ms));
}

async function wallSeconds(db: DbHandles, runIds: string[]): Promise<number> {
  const { rows } = await db.pool.query(
    `select extract(epoch from (max(finished_at) - min(created_at))) as s from runs where id = any($1::uuid[])`,
    [runIds],
  );
  return Number(rows[0].s);
}

/** Steps of `runIds` finished after `since`, per second until the last one finished. */
async function stepsPerSecondSince(db: DbHandles, runIds: string[], since: Date): Promise<number> {
  const { rows } = await db.pool.query(
    `select count(*)::int as n, extract(epoch from (max(finished_at) - $2)) as s from step_runs where run_id = any($1::uuid[]) and finished_at > $2`,
    [runIds, since],
  );
  return rows[0].n / Number(rows[0].s);
}

export interface EngineResult {
  scenario: string;
  workers: number;
  runs: number;
  stepsPerRun: number;
  stepsPerSecond: number;
  runsPerSecond: number;
  /** One run at a time on an idle system. */
  idle: { runLatencyMs: Distribution; handoffMs: Distribution; overheadMsPerStep: number };
  /** All runs started at once. */
  loaded: { runLatencyMs: Distribution; handoffMs: Distribution };
  rssMiB: { worker: number; web: number };
  /** Slots (WORKER_CONCURRENCY) of each worker. */
  concurrency: number;
  /** Rows each executed step left, per table (the run's own row and start step included). */
  rowsPerStep: Record<string, number>;
}

/** Rows of each table the engine writes, per executed step of `runIds`. */
async function rowsPerStep(db: DbHandles, runIds: string[], steps: number): Promise<Record<string, number>> {
  const { rows } = await db.pool.query(
    `select (select count(*) from runs where id = any($1::uuid[]))::int as runs,
            (select count(*) from step_runs where run_id = any($1::uuid[]))::int as step_runs,
            (select count(*) from step_attempts a join step_runs s on s.id = a.step_run_id where s.run_id = any($1::uuid[]))::int as step_attempts,
            (select count(*) from run_events where run_id = any($1::uuid[]))::int as run_events,
            (select count(*) from step_logs l join step_runs s on s.id = l.step_run_id where s.run_id = any($1::uuid[]))::int as step_logs,
            (select count(*) from pgboss.job where data->>'runId' = any($2::text[]))::int as jobs`,
    [runIds, runIds],
  );
  const total = runIds.length * steps;
  return Object.fromEntries(Object.entries(rows[0]).map(([table, n]) => [table, Math.round(((n as number) / total) * 100) / 100]));
}

export async function engineScenario(
  cluster: Cluster,
  options: {
    scenario: string;
    definition: Definition;
    runs: number;
    idleRuns: number;
    workers: number;
    concurrency?: number;
    /** Create every run before the workers start, and time from when all of them are up: the
     * engine's throughput alone, not bounded by how fast the API creates runs. */
    preload?: boolean;
    /** Settings for the web and worker processes (tracing, say). */
    env?: Record<string, string>;
  },
): Promise<EngineResult> {
  const concurrency = options.concurrency ?? 20;
  const stack: Stack = await startStack(cluster, options.preload ? 0 : options.workers, { WORKER_CONCURRENCY: String(concurrency), ...options.env }, options.env);
  try {
    const id = await publishWorkflow(stack.client, options.definition, options.scenario);
    const steps = jobSteps(options.definition);

    // Idle: one run at a time, so nothing waits for anything but the engine itself.
    const idleIds: string[] = [];
    for (let i = 0; i < options.idleRuns; i++) {
      const [runId] = await startRuns(stack.client, id, 1, 1);
      await waitForRuns(stack.db, [runId]);
      idleIds.push(runId);
      await sleep(20);
    }
    const idleLatency = distribution(await runLatencies(stack.db, idleIds));

    // Loaded: every run at once.
    const rss = sampleRss({ worker: stack.workers.map((w) => w.child.pid!), web: [stack.web.child.pid!] });
    const ids = await startRuns(stack.client, id, options.runs);
    let stepsPerSecond: number;
    if (options.preload) {
      await stack.addWorkers(options.workers);
      const allUp = new Date();
      await waitForRuns(stack.db, ids);
      stepsPerSecond = await stepsPerSecondSince(stack.db, ids, allUp);
    } else {
      await waitForRuns(stack.db, ids);
    }
    const rssMiB = (await rss.stop()) as { worker: number; web: number };
    const seconds = await wallSeconds(stack.db, ids);
    stepsPerSecond ??= (options.runs * steps) / seconds;

    return {
      scenario: options.scenario,
      workers: options.workers,
      runs: options.runs,
      stepsPerRun: steps,
      stepsPerSecond,
      runsPerSecond: options.runs / seconds,
      idle: { runLatencyMs: idleLatency, handoffMs: distribution(await handoffs(stack.db, idleIds, options.definition)), overheadMsPerStep: idleLatency.p50 / steps },
      loaded: { runLatencyMs: distribution(await runLatencies(stack.db, ids)), handoffMs: distribution(await handoffs(stack.db, ids, options.definition)) },
      rssMiB,
      concurrency,
      rowsPerStep: await rowsPerStep(stack.db, ids, steps),
    };
  } finally {
    await stack.stop();
  }
}

export interface ApiLoadResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: Distribution;
  errors: number;
}

/** POST /runs from `connections` concurrent clients for `seconds`, with a worker running the runs. */
export async function apiLoadScenario(cluster: Cluster, options: { connections: number; seconds: number }): Promise<ApiLoadResult> {
  const stack = await startStack(cluster, 1);
  try {
    const id = await publishWorkflow(stack.client, linearDefinition(0), "api load");
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + options.seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const res = await stack.client.post(`/workflows/${id}/runs`, { input: { n: 1 } }, { origin: null });
          if (res.status === 202) latencies.push(performance.now() - t0);
          else errors++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return { connections: options.connections, seconds: elapsed, requests: latencies.length, requestsPerSecond: latencies.length / elapsed, latencyMs: distribution(latencies), errors };
  } finally {
    await stack.stop();
  }
}
