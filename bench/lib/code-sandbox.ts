// What one Code step's sandbox costs on its own: a QuickJS runtime made, a trivial script run
// with a little context copied in and its result copied out, and the runtime disposed.
import { performance } from "node:perf_hooks";
import { runScript } from "../../lib/code/sandbox.ts";
import { distribution, type Distribution } from "./stats.ts";

export interface CodeSandboxResult {
  runs: number;
  ms: Distribution;
}

export async function codeSandboxScenario(runs: number): Promise<CodeSandboxResult> {
  const data = { input: { orderId: "A-1", amount: 250 }, steps: { check: { output: { ok: true } } }, run: { id: "r", workflowId: "w", attempt: 1 } };
  const limits = { timeoutMs: 1000, memoryBytes: 64 * 1024 * 1024 };
  await runScript("return 1", data, limits); // loads the WebAssembly module once
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const outcome = await runScript("return { total: input.amount * 2, ok: steps.check.output.ok }", data, limits);
    ms.push(performance.now() - t);
    if (!outcome.ok) throw new Error(outcome.message);
  }
  return { runs, ms: distribution(ms) };
}
