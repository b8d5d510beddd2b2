// `npm run bench [-- --quick]`: engine throughput and latency next to raw pg-boss, measured in
// the same run on the same database, printed as a table and saved to bench/results/.
// Figures from different runs (or machines) are not comparable; the ratios within one run are.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { mkdir, writeFile } from "node:fs/promises";
import { rawPgBoss, type BaselineResult } from "./lib/baseline.ts";
import { startCluster, stopOnSignal } from "./lib/cluster.ts";
import { apiLoadScenario, engineScenario, fanOutDefinition, linearCodeDefinition, linearDefinition, linearTemplatedDefinition, type ApiLoadResult, type EngineResult } from "./lib/scenarios.ts";
import { expressionPoolScenario, type ExpressionPoolResult } from "./lib/expression-pool.ts";
import { hostileScenario, type HostileResult } from "./lib/hostile.ts";
import { round } from "./lib/stats.ts";
import { editorLoadScenario, type EditorLoadResult } from "./lib/editor-load.ts";
import { liveLatencyScenario, type LiveLatencyResult } from "./lib/live-latency.ts";
import { approvalsScenario, type ApprovalsResult } from "./lib/approvals.ts";
import { codeSandboxScenario, type CodeSandboxResult } from "./lib/code-sandbox.ts";
import { breakersScenario, type BreakersResult } from "./lib/breakers.ts";
import { forEachScenario, type ForEachBodyResult, type ForEachResult } from "./lib/for-each.ts";
import { triggersScenario, type TriggersResult } from "./lib/triggers.ts";
import { rulesScenario, type RulesResult } from "./lib/rules.ts";
import { startOtlpReceiver } from "./lib/otlp-receiver.ts";

const quick = process.argv.includes("--quick");
const CONCURRENCY = 20; // the worker's default WORKER_CONCURRENCY, used for the baseline too
const sizes = quick
  ? { rawJobs: 3000, latencySamples: 40, linearRuns: 150, idleRuns: 15, fanOutRuns: 6, scalingRuns: 100, apiSeconds: 5, apiConnections: 16, editorNodes: 500, editorSamples: 1, liveInFlight: 50, liveRounds: 1, liveSteps: 10, evaluations: 2000, hostileRuns: 10, approvalSamples: 20, openApprovals: 10000, codeRuns: 200, breakerCalls: 1000, forEachItems: 1000, webhookDeliveries: 400, eventWaiting: 10000, eventSamples: 20, cronTriggers: 20, ruleRuns: 40 }
  : { rawJobs: 20000, latencySamples: 200, linearRuns: 1000, idleRuns: 50, fanOutRuns: 40, scalingRuns: 1500, apiSeconds: 20, apiConnections: 32, editorNodes: 500, editorSamples: 5, liveInFlight: 50, liveRounds: 3, liveSteps: 20, evaluations: 10000, hostileRuns: 30, approvalSamples: 100, openApprovals: 10000, codeRuns: 2000, breakerCalls: 5000, forEachItems: 10000, webhookDeliveries: 2000, eventWaiting: 10000, eventSamples: 100, cronTriggers: 100, ruleRuns: 200 };

const log = (line: string) => console.error(`[bench] ${line}`);
const git = (...args: string[]) => {
  try {
    return execFileSync("git", args, { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
};

const cluster = await startCluster(log);
stopOnSignal(() => cluster.stop());
const results: {
  baseline?: BaselineResult;
  engine: EngineResult[];
  api?: ApiLoadResult;
  editor?: EditorLoadResult;
  live?: LiveLatencyResult;
  expressions?: ExpressionPoolResult;
  hostile?: HostileResult;
  approvals?: ApprovalsResult;
  codeSandbox?: CodeSandboxResult;
  breakers?: BreakersResult;
  forEach?: ForEachResult;
  triggers?: TriggersResult;
  rules?: RulesResult;
  tracedSpans?: number;
} = { engine: [] };
try {
  log(`raw pg-boss: ${sizes.rawJobs} no-op jobs at concurrency ${CONCURRENCY}, then ${sizes.latencySamples} single jobs`);
  const baselineDb = await cluster.freshDatabase();
  await baselineDb.handles.close();
  results.baseline = await rawPgBoss(baselineDb.url, { jobs: sizes.rawJobs, latencySamples: sizes.latencySamples, concurrency: CONCURRENCY });

  const linear = linearDefinition(10);
  log(`linear: ${sizes.idleRuns} runs one by one, then ${sizes.linearRuns} at once (10 transforms + end each)`);
  results.engine.push(await engineScenario(cluster, { scenario: "linear, 10 transforms", definition: linear, runs: sizes.linearRuns, idleRuns: sizes.idleRuns, workers: 1 }));
  log(`linear, traced: the same with OpenTelemetry tracing on, exported to a local OTLP receiver`);
  const receiver = await startOtlpReceiver();
  try {
    results.engine.push(
      await engineScenario(cluster, { scenario: "linear, 10 transforms, traced", definition: linear, runs: sizes.linearRuns, idleRuns: sizes.idleRuns, workers: 1, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
    );
  } finally {
    results.tracedSpans = receiver.spans();
    await receiver.close();
  }
  for (const functions of [false, true]) {
    const scenario = functions ? "linear, templates with functions" : "linear, templates (paths)";
    log(`${scenario}: the same with templates in every transform${functions ? " (each step a message to an evaluator process)" : " (evaluated inline)"}`);
    results.engine.push(await engineScenario(cluster, { scenario, definition: linearTemplatedDefinition(10, functions), runs: sizes.linearRuns, idleRuns: sizes.idleRuns, workers: 1 }));
  }

  log(`linear, code: the same with a trivial script in every step (each a QuickJS sandbox)`);
  results.engine.push(await engineScenario(cluster, { scenario: "linear, 10 Code steps", definition: linearCodeDefinition(10), runs: sizes.linearRuns, idleRuns: sizes.idleRuns, workers: 1 }));
  log(`code sandbox: ${sizes.codeRuns} trivial scripts in this process`);
  results.codeSandbox = await codeSandboxScenario(sizes.codeRuns);
  log(`circuit breakers: ${sizes.breakerCalls} calls asked of a closed and an open breaker`);
  results.breakers = await breakersScenario(cluster, sizes.breakerCalls);
  log(`for-each: ${sizes.forEachItems} trivial items (a drawn transform, then a child run, each), chunks of 100, ten at once, one worker`);
  results.forEach = await forEachScenario(cluster, sizes.forEachItems);

  log(`fan-out: ${sizes.fanOutRuns} runs of start → 50 parallel transforms → join`);
  results.engine.push(
    await engineScenario(cluster, { scenario: "fan-out 50 → join", definition: fanOutDefinition(50), runs: sizes.fanOutRuns, idleRuns: Math.ceil(sizes.idleRuns / 3), workers: 1 }),
  );

  // Scaling, both ways: the same slots in each worker (more processes and more concurrency), and
  // the same total slots split over the workers (more processes only).
  for (const split of [false, true]) {
    for (const workers of [1, 2, 4]) {
      if (split && workers === 1) continue; // the same as 1 worker with 20 slots
      const concurrency = split ? CONCURRENCY / workers : CONCURRENCY;
      log(`scaling: ${sizes.scalingRuns} linear runs on ${workers} worker process(es) with ${concurrency} slots each`);
      results.engine.push(
        await engineScenario(cluster, { scenario: `scaling: ${workers} worker${workers > 1 ? "s" : ""} × ${concurrency} slots`, definition: linear, runs: sizes.scalingRuns, idleRuns: 0, workers, concurrency, preload: true }),
      );
    }
  }

  log(`API: POST /runs from ${sizes.apiConnections} connections for ${sizes.apiSeconds} s`);
  results.api = await apiLoadScenario(cluster, { connections: sizes.apiConnections, seconds: sizes.apiSeconds });

  log(`expressions: ${sizes.evaluations} evaluations of a 3-template config in this thread and through the pool`);
  results.expressions = await expressionPoolScenario({ evaluations: sizes.evaluations, processes: 2 });

  log(`hostile: ${sizes.hostileRuns} ordinary runs idle and under expression attack; the draft attack`);
  results.hostile = await hostileScenario(cluster, { runs: sizes.hostileRuns });

  log(`approvals: ${sizes.approvalSamples} decisions one by one, then the inbox with ${sizes.openApprovals} open requests`);
  results.approvals = await approvalsScenario(cluster, { samples: sizes.approvalSamples, openRequests: sizes.openApprovals });

  log(`triggers: ${sizes.webhookDeliveries} signed webhooks at 200/s; ${sizes.eventSamples} events each resuming a wait among ${sizes.eventWaiting} others; ${sizes.cronTriggers} cron triggers firing at one minute`);
  results.triggers = await triggersScenario(cluster, { deliveries: sizes.webhookDeliveries, rate: 200, waiting: sizes.eventWaiting, eventSamples: sizes.eventSamples, cronTriggers: sizes.cronTriggers });

  log(`rules: ${sizes.ruleRuns} runs one at a time of a Decide step on a 1,000-row table, a template asking a flag, and their twins without; ${sizes.evaluations} pure evaluations of each`);
  results.rules = await rulesScenario(cluster, { runs: sizes.ruleRuns, evaluations: sizes.evaluations });

  log(`editor: a ${sizes.editorNodes}-node workflow opened in Chromium, ${sizes.editorSamples} time(s)`);
  // A browser that cannot draw it within a minute (the packaged headless Chromium, without a GPU,
  // is far slower than a desktop one) costs this figure, not the run's others.
  results.editor = await editorLoadScenario(cluster, { nodes: sizes.editorNodes, samples: sizes.editorSamples }).catch((error: Error) => {
    log(`editor: not measured: ${error.message.split("\n")[0]}`);
    return undefined;
  });
} finally {
  await cluster.stop();
}

// On a cluster of its own: commit timestamps cost a little on every commit, and the figures
// above are for the default settings.
log(`live: event-to-browser latency with ${sizes.liveInFlight} runs in flight (${sizes.liveRounds} rounds of ${sizes.liveSteps}-step runs)`);
const liveCluster = await startCluster(log, ["track_commit_timestamp=on"]);
stopOnSignal(() => liveCluster.stop());
try {
  results.live = await liveLatencyScenario(liveCluster, { inFlight: sizes.liveInFlight, rounds: sizes.liveRounds, steps: sizes.liveSteps, stepMs: 100 });
} finally {
  await liveCluster.stop();
}

const commit = git("rev-parse", "--short", "HEAD");
const dirty = git("status", "--porcelain") !== "";
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryGiB: round(totalmem() / 2 ** 30, 1),
  node: process.versions.node,
  postgres: cluster.postgresVersion,
};
const report = { date: new Date().toISOString(), commit: dirty ? `${commit}+dirty` : commit, mode: quick ? "quick" : "full", concurrency: CONCURRENCY, machine, sizes, ...results };

await mkdir("bench/results", { recursive: true });
const file = `bench/results/${report.date.slice(0, 19).replace(/[:T]/g, "-")}-${commit}${quick ? "-quick" : ""}.json`;
await writeFile(file, JSON.stringify(report, null, 2) + "\n");

// The table ---------------------------------------------------------------------------------
const b = results.baseline!;
const f = (n: number, d = 1) => (Number.isFinite(n) ? round(n, d).toLocaleString("en-US") : "–");
const rows: string[][] = [
  ["scenario", "steps/s", "runs/s", "vs raw", "hand-off idle p50/p95/p99 ms", "hand-off loaded p50/p99", "run idle p50/p99 ms", "ms/step idle", "RSS worker/web MiB"],
  [`raw pg-boss (${b.concurrency} conc.)`, `${f(b.jobsPerSecond, 0)} jobs/s`, "", "1.00", `${f(b.enqueueToStartMs.p50, 2)} / ${f(b.enqueueToStartMs.p95, 2)} / ${f(b.enqueueToStartMs.p99, 2)} (send→start)`, "", "", "", ""],
  ...results.engine.map((e) => [
    e.scenario,
    f(e.stepsPerSecond, 0),
    f(e.runsPerSecond, 1),
    f(e.stepsPerSecond / b.jobsPerSecond, 2),
    e.idle.handoffMs.n ? `${f(e.idle.handoffMs.p50, 2)} / ${f(e.idle.handoffMs.p95, 2)} / ${f(e.idle.handoffMs.p99, 2)}` : "",
    `${f(e.loaded.handoffMs.p50, 1)} / ${f(e.loaded.handoffMs.p99, 1)}`,
    e.idle.runLatencyMs.n ? `${f(e.idle.runLatencyMs.p50)} / ${f(e.idle.runLatencyMs.p99)}` : "",
    e.idle.runLatencyMs.n ? f(e.idle.overheadMsPerStep, 2) : "",
    `${e.rssMiB.worker} / ${e.rssMiB.web}`,
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(`\nBaton bench (${report.mode}) · commit ${report.commit} · ${machine.cpus} cores (${machine.cpuModel}) · ${machine.memoryGiB} GiB · Node ${machine.node} · PostgreSQL ${machine.postgres}\n`);
console.log(line(rows[0]));
console.log(widths.map((w) => "─".repeat(w)).join("  "));
for (const r of rows.slice(1)) console.log(line(r));
const first = results.engine[0];
console.log(
  `\nRatios (engine ÷ raw, same run): throughput ${f(first.stepsPerSecond / b.jobsPerSecond, 2)}; ` +
    `hand-off p50 ${f(first.idle.handoffMs.p50 / b.enqueueToStartMs.p50, 2)}× the raw send→start p50.`,
);
const scaling = results.engine.filter((e) => e.scenario.startsWith("scaling: "));
const one = scaling.find((e) => e.workers === 1)!;
console.log(
  `Scaling (linear, steps/s; ratio to 1 worker × ${one.concurrency} slots = ${f(one.stepsPerSecond, 0)}): ` +
    scaling
      .filter((e) => e !== one)
      .map((e) => `${e.workers} × ${e.concurrency} slots ${f(e.stepsPerSecond, 0)} (${f(e.stepsPerSecond / one.stepsPerSecond, 2)})`)
      .join("; ") +
    ".",
);
console.log(`Rows written per step (linear, 10 transforms + end): ${Object.entries(first.rowsPerStep).map(([t, n]) => `${t} ${n}`).join(", ")}.`);
const a = results.api!;
console.log(`API: POST /runs ${f(a.requestsPerSecond, 0)} req/s from ${a.connections} connections, p50 ${f(a.latencyMs.p50, 1)} ms, p99 ${f(a.latencyMs.p99, 1)} ms, ${a.errors} errors.`);
const ex = results.expressions!;
console.log(
  `Expressions: ${f(ex.inThread.microsEach, 0)} µs per step's templates in-thread (${f(ex.inThread.perSecond, 0)}/s); through the pool ` +
    `${f(ex.pool.sequentialMicrosEach, 0)} µs one at a time, ${f(ex.pool.concurrentPerSecond, 0)}/s twenty at once on ${ex.pool.processes} evaluators.`,
);
const paths = results.engine.find((e) => e.scenario === "linear, templates (paths)")!;
const functions = results.engine.find((e) => e.scenario === "linear, templates with functions")!;
console.log(
  `Linear throughput: ${f(first.stepsPerSecond, 0)} steps/s without templates, ${f(paths.stepsPerSecond, 0)} with path templates evaluated inline ` +
    `(${f(paths.stepsPerSecond / first.stepsPerSecond, 2)}×), ${f(functions.stepsPerSecond, 0)} with function templates sent to evaluators (${f(functions.stepsPerSecond / first.stepsPerSecond, 2)}×).`,
);
const h = results.hostile!;
const d = (x: { p50: number; p95: number; p99: number }) => `p50 ${f(x.p50, 0)} / p95 ${f(x.p95, 0)} / p99 ${f(x.p99, 0)} ms`;
console.log(
  `Hostile expressions: ordinary runs idle ${d(h.idle)}; while a catastrophic regex evaluates ${d(h.underRegexAttack)}; while a blocking template evaluates ${d(h.underBlockingAttack)}.`,
);
console.log(`  hostile runs ended: ${Object.entries(h.hostileOutcomes).map(([k, v]) => `${k}: ${v}`).join("; ")}`);
console.log(
  `Draft attack: 160,000 braces answered ${h.draft.bracesStatus} in ${f(h.draft.bracesMs, 0)} ms; a 98,000-character template string saved in ${f(h.draft.nearLimitSaveMs, 0)} ms, read back in ${f(h.draft.nearLimitReadMs, 0)} ms.`,
);
const br = results.breakers!;
const rawJobMs = 1000 / b.jobsPerSecond;
console.log(
  `Circuit breaker per HTTP step: asking a closed one p50 ${f(br.closedAdmitMs.p50, 3)} / p99 ${f(br.closedAdmitMs.p99, 3)} ms (${f(br.closedAdmitMs.p50 / rawJobMs, 2)}× one raw pg-boss job's ` +
    `${f(rawJobMs, 3)} ms), recording a success p50 ${f(br.succeededMs.p50 * 1000, 1)} µs; a step held by an open one p50 ${f(br.openAdmitMs.p50, 2)} ms (${br.calls} calls).`,
);
const fe = results.forEach!;
const perItem = (r: ForEachBodyResult, what: string) =>
  `${f(r.itemsPerSecond, 1)} items/s (${f(r.itemsPerSecond / b.jobsPerSecond, 3)}× raw pg-boss's ${f(b.jobsPerSecond, 0)} jobs/s; ${what} p50 ${f(r.itemMs.p50, 0)} / p99 ${f(r.itemMs.p99, 0)} ms)`;
console.log(
  `For-each of ${fe.drawn.items.toLocaleString("en-US")} trivial items, chunks of 100, ten at once: a drawn transform per item ${perItem(fe.drawn, "each item's step")}; ` +
    `a workflow per item ${perItem(fe.workflow, "each child run of 3 steps")}.`,
);
const cs = results.codeSandbox!;
const codeRun = results.engine.find((e) => e.scenario === "linear, 10 Code steps")!;
console.log(
  `Code step: a trivial script's sandbox p50 ${f(cs.ms.p50, 2)} / p99 ${f(cs.ms.p99, 2)} ms (${cs.runs} runs); the linear workflow of 10 Code steps ` +
    `${f(codeRun.stepsPerSecond, 0)} steps/s against ${f(first.stepsPerSecond, 0)} with transforms (${f(codeRun.stepsPerSecond / first.stepsPerSecond, 2)}×), ` +
    `idle ${f(codeRun.idle.overheadMsPerStep, 2)} ms/step against ${f(first.idle.overheadMsPerStep, 2)}.`,
);
const ap = results.approvals!;
const pp = (x: { p50: number; p95: number }, digits = 1) => `p50 ${f(x.p50, digits)} / p95 ${f(x.p95, digits)} ms`;
console.log(
  `Approvals: decision → next step started ${pp(ap.decisionToNextStepMs)} (${f(ap.decisionToNextStepMs.p50 / b.enqueueToStartMs.p50, 1)}× the raw send→start p50), ` +
    `POST decision ${pp(ap.decideRequestMs)} (${ap.samples} decisions). Inbox with ${f(ap.openRequests, 0)} open requests: waiting on me ${pp(ap.inboxMs.waitingOnMe)}, ` +
    `all open ${pp(ap.inboxMs.allOpen)}, navigation count ${pp(ap.inboxMs.count)}.`,
);
const tr = results.triggers!;
const p99 = (x: { p50: number; p99: number }, digits = 1) => `p50 ${f(x.p50, digits)} / p99 ${f(x.p99, digits)} ms`;
console.log(
  `Webhooks: ${tr.webhooks.deliveries} signed deliveries at ${f(tr.webhooks.sentPerSecond, 0)}/s (asked ${tr.webhooks.rate}/s), ${tr.webhooks.errors} errors; answered ${p99(tr.webhooks.answerMs)}; ` +
    `delivery sent → first step started ${p99(tr.webhooks.toStepStartedMs)}.`,
);
console.log(
  `Events: publish → waiting step resumed ${p99(tr.events.publishToResumedMs)} with ${f(tr.events.waiting, 0)} other waits indexed (${tr.events.samples} samples); POST /events ${p99(tr.events.publishRequestMs)}.`,
);
console.log(`Cron: ${tr.cron.triggers} triggers firing at the same minute, run created − fire time ${p99(tr.cron.latenessMs, 0)}.`);
const traced = results.engine.find((e) => e.scenario === "linear, 10 transforms, traced")!;
console.log(
  `Tracing: ${f(traced.stepsPerSecond, 0)} steps/s with every request, run and step attempt traced and exported (${results.tracedSpans?.toLocaleString("en-US")} spans received) ` +
    `against ${f(first.stepsPerSecond, 0)} without (${f(traced.stepsPerSecond / first.stepsPerSecond, 2)}×); idle ${f(traced.idle.overheadMsPerStep, 2)} ms/step against ${f(first.idle.overheadMsPerStep, 2)}.`,
);
const ru = results.rules!;
console.log(
  `Rules: a Decide step on a ${ru.rows.toLocaleString("en-US")}-row table ${p99(ru.decideStepMs)} against ${p99(ru.transformStepMs)} for a transform with the same templates ` +
    `(+${f(ru.decideStepMs.p50 - ru.transformStepMs.p50, 2)} ms at p50); the table alone ${p99(ru.decideUs, 0).replaceAll(" ms", " µs")}. ` +
    `A template asking a flag ${p99(ru.flagTemplateStepMs)} against ${p99(ru.templateStepMs)} without (+${f(ru.flagTemplateStepMs.p50 - ru.templateStepMs.p50, 2)} ms at p50); ` +
    `the flag alone ${p99(ru.flagUs, 1).replaceAll(" ms", " µs")} (${ru.runs} runs each).`,
);
const ed = results.editor;
console.log(
  ed
    ? `Editor: a ${ed.nodes}-node workflow drawn in ${f(ed.drawnMs.p50, 0)} ms and interactive in ${f(ed.interactiveMs.p50, 0)} ms (median of ${ed.drawnMs.n}).`
    : `Editor: not measured (see the log above).`,
);
const lv = results.live!;
console.log(
  `Live: step state ${lv.measuredFrom === "commit" ? "committed" : "written (transaction start)"} → node updated in Chromium p50 ${f(lv.latencyMs.p50, 1)} ms, p95 ${f(lv.latencyMs.p95, 1)} ms ` +
        `(${lv.latencyMs.n} changes, ${lv.inFlight} runs in flight).`,
);
console.log(`\nSaved ${file}`);
