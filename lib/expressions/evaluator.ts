// An expression process: evaluates what the pool (pool.ts) sends, one message at a time. It runs
// with its own small heap and is killed from outside when it overruns its time, so an expression
// can cost at most this process, never the worker or web process that asked.
import { setExpressionTimeout } from "../workflow/templates.ts";
import { ExpressionLimitError, TemplateError } from "./errors.ts";
import { evaluateTask } from "./evaluate.ts";
import type { EvaluatorReply as Reply, EvaluatorRequest as Request } from "./protocol.ts";

const [timeoutMs, maxResultChars] = process.argv.slice(2).map(Number);
setExpressionTimeout(timeoutMs);

async function run(request: Request): Promise<Reply> {
  try {
    return { id: request.id, ok: true, json: await evaluateTask(request.task, maxResultChars) };
  } catch (error) {
    if (error instanceof TemplateError) return { id: request.id, ok: false, error: { kind: "template", path: error.path, expression: error.expression, detail: error.detail } };
    if (error instanceof ExpressionLimitError) return { id: request.id, ok: false, error: { kind: "limit", limit: error.limit, message: error.message } };
    // "Invalid string length" and the like: a value too large to build.
    if (error instanceof RangeError) return { id: request.id, ok: false, error: { kind: "limit", limit: "memory", message: `${error.message} (expression memory limit)` } };
    return { id: request.id, ok: false, error: { kind: "template", path: "", expression: "", detail: (error as Error)?.message ?? String(error) } };
  }
}

process.on("message", (request: Request) => {
  void run(request).then((reply) => process.send!(reply));
});
// The pool's process went away (it stopped, or was killed): nothing is left to answer.
process.on("disconnect", () => process.exit(0));
