// A workflow author's hostile templates, run by a real worker: each fails its own step with an
// error naming the limit, at the first attempt, while other runs on the same worker go on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";

let engine: Engine;
beforeAll(async () => {
  // A long time limit leaves room for other runs to finish while a bad one is stuck, however busy the machine.
  engine = await startEngine({ workerEnv: { BATON_EXPRESSION_TIMEOUT_MS: "3000", BATON_EXPRESSION_MEMORY_MB: "128" } });
});
afterAll(() => engine?.stop());

/** One long native call (a regex replace over 30 million characters): no guard inside JSONata can stop it. */
const BLOCKING = '{{ $length($replace($pad("", 30000000, "a"), /a/, "bb")) }}';
const DOUBLING = '{{ ($d := function($x, $n) { $n = 0 ? $x : $d($x & $x, $n - 1) }; $length($d("a", 27))) }}';
const retry = { maxAttempts: 3, initialDelayMs: 10 };

async function lastError(runId: string, nodeId: string) {
  const { rows } = await engine.db.pool.query(`select a.attempt, a.error from step_attempts a join step_runs s on s.id = a.step_run_id where s.run_id = $1 and s.node_id = $2 order by a.attempt`, [runId, nodeId]);
  return rows;
}

describe("hostile expressions in a running workflow", () => {
  it("answers the catastrophic regular expression at once (RE2), so the run succeeds", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "check", type: "transform", config: { output: `{{ $contains("${"a".repeat(60)}!", /^(a+)+$/) }}` } }], { output: "{{ steps.check.output }}" }));
    const run = await waitForRun(editor, await runWorkflow(editor, id));
    expect(run.status).toBe("succeeded");
    expect(run.output).toBe(false);
  });

  it("fails a step stuck in its expression after the time limit, without retrying, while other runs finish", async () => {
    const editor = await engine.as("editor");
    const hostile = await publish(editor, linear([{ id: "slow", type: "transform", retry, config: { output: BLOCKING } }]), "hostile");
    const normal = await publish(editor, linear([{ id: "a", type: "transform", config: { output: "{{ input.n + 1 }}" } }, { id: "b", type: "transform", config: { output: "{{ steps.a.output * 2 }}" } }]), "normal");
    const hostileRun = await runWorkflow(editor, hostile);
    const others = [];
    for (let i = 0; i < 5; i++) others.push(await waitForRun(editor, await runWorkflow(editor, normal, { n: i })));
    const failed = await waitForRun(editor, hostileRun);

    expect(others.map((r) => r.status)).toEqual(Array(5).fill("succeeded"));
    expect(failed.status).toBe("failed");
    const step = stepOf(failed, "slow");
    // Killed at the time limit, or (a 60-million-character result) on the memory limit first.
    expect(step.error).toMatchObject({ code: "expression_limit", retryable: false, message: expect.stringMatching(/ran longer than 3000 ms \(expression time limit\)|used more than 128 MB of memory \(expression memory limit\)/) });
    expect(await lastError(hostileRun, "slow")).toHaveLength(1);
    // The worker's event loop was never blocked: runs started after the bad one ended while its
    // step was still being evaluated (in-process evaluation finished nothing meanwhile).
    const { rows } = await engine.db.pool.query(`select min(finished_at) < (select finished_at from step_runs where run_id = $1 and node_id = 'slow') as before from runs where id = any($2::uuid[])`, [hostileRun, others.map((r) => r.id)]);
    expect(rows[0].before).toBe(true);
  });

  it("fails a template that doubles a string 27 times on a limit (memory, or time on a busy machine); the worker lives on", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "grow", type: "transform", retry, config: { output: DOUBLING } }]), "doubling");
    const runId = await runWorkflow(editor, id);
    const run = await waitForRun(editor, runId);
    expect(run.status).toBe("failed");
    expect(stepOf(run, "grow").error).toMatchObject({ code: "expression_limit", retryable: false, message: expect.stringMatching(/expression (memory|time) limit/) });
    expect(await lastError(runId, "grow")).toHaveLength(1);
    expect(engine.workers[0].child.exitCode).toBeNull();
    const after = await waitForRun(editor, await runWorkflow(editor, await publish(editor, linear([{ id: "ok", type: "transform", config: { output: "{{ 6 * 7 }}" } }], { output: "{{ steps.ok.output }}" }), "after")));
    expect(after.output).toBe(42);
  });

  it("fails a condition whose expression loops, naming the limit", async () => {
    const editor = await engine.as("editor");
    const loop = "($f := function($n) { $n = 0 ? 0 : $f($n - 1) + $f($n - 1) }; $f(40)) > 0";
    const id = await publish(
      editor,
      definition([{ id: "start", type: "start" }, { id: "loop", type: "condition", config: { expression: loop } }, { id: "end", type: "end" }], [["start", "loop"], ["loop", "end", "true"]]),
      "looping condition",
    );
    const run = await waitForRun(editor, await runWorkflow(editor, id));
    expect(run.status).toBe("failed");
    expect(stepOf(run, "loop").error).toMatchObject({ code: "expression_limit", message: expect.stringContaining("time limit") });
  });
});
