// An expression process: works through the batches the pool (pool.ts) sends, one task at a
// time, answering each as it is done. It runs with its own small heap and is killed from outside
// when a task overruns its time, so an expression can cost at most this process, never the
// worker or web process that asked.
import { setExpressionTimeout } from "../workflow/templates.ts";
import { ExpressionLimitError, TemplateError } from "./errors.ts";
import { evaluateTask } from "./evaluate.ts";
import type { EvaluatorBatch, EvaluatorReply as Reply, ExpressionTask } from "./protocol.ts";

const [timeoutMs, maxResultChars] = process.argv.slice(2).map(Number);
setExpressionTimeout(timeoutMs);

async function run(task: ExpressionTask): Promise<Reply> {
  try {
    return { ok: true, json: await evaluateTask(task, maxResultChars) };
  } catch (error) {
    if (error instanceof TemplateError) return { ok: false, error: { kind: "template", path: error.path, expression: error.expression, detail: error.detail } };
    if (error instanceof ExpressionLimitError) return { ok: false, error: { kind: "limit", limit: error.limit, message: error.message } };
    // "Invalid string length" and the like: a value too large to build.
    if (error instanceof RangeError) return { ok: false, error: { kind: "limit", limit: "memory", message: `${error.message} (expression memory limit)` } };
    return { ok: false, error: { kind: "template", path: "", expression: "", detail: (error as Error)?.message ?? String(error) } };
  }
}

process.on("message", async (batch: EvaluatorBatch) => {
  for (const [index, task] of batch.tasks.entries()) process.send!({ id: batch.id, index, ...(await run(task)) });
});
// The pool's process went away (it stopped, or was killed): nothing is left to answer.
process.on("disconnect", () => process.exit(0));
// Booted: the pool starts a task's clock only from here (starting Node on a busy machine can take
// longer than the time limit itself).
process.send!({ ready: true });
