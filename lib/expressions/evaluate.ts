// Evaluating templates and expressions against a run context: in an evaluator process
// (evaluator.ts), or inline for bounded expressions (bounded.ts). Never call it on a process's
// own event loop with anything else, where a slow expression would stall every other run: go
// through the pool (pool.ts), which decides.
import { compile, describeJsonataError, scanTemplates, wholeTemplate, type RunContext } from "../workflow/templates.ts";
import { ExpressionLimitError, TemplateError } from "./errors.ts";
import type { ExpressionTask } from "./protocol.ts";
import { evaluateFlag, type FlagEvaluation } from "../flags/definition.ts";

/** JSONata's guard codes that mean a limit was hit, not a mistake in the expression. */
const LIMIT_CODES: Record<string, ExpressionLimitError["limit"]> = { D1012: "time", D1011: "depth", D2015: "sequence", D2014: "sequence" };

/** `$flag(key, context)`: the flag's answer, from the flags the context carries (the worker loads
 * those its templates name); each answer is added to `seen`. */
function flagFunction(context: RunContext, seen: FlagEvaluation[]) {
  return (key: unknown, flagContext: unknown) => {
    if (typeof key !== "string") throw new Error("$flag takes the flag's key as a string first, e.g. $flag(\"new-pricing\", { \"userId\": input.userId })");
    const flag = context.flags?.[key];
    if (!flag) throw new Error(`flag ${key} is not known to this step: a step loads the flags whose keys its templates write as strings, $flag("${key}", ...); create it under Flags, or write its key so`);
    const evaluation = evaluateFlag(flag, flagContext && typeof flagContext === "object" && !Array.isArray(flagContext) ? (flagContext as Record<string, unknown>) : {});
    seen.push(evaluation);
    return evaluation.value;
  };
}

/** Evaluates one JSONata expression; the result is plain JSON (or undefined for "nothing").
 * Flags it asks for (`$flag`) are added to `flags`. */
export async function evaluate(expression: string, context: RunContext, path = "", flags: FlagEvaluation[] = []): Promise<unknown> {
  let result: unknown;
  try {
    result = await compile(expression).evaluate(context, { flag: flagFunction(context, flags) });
  } catch (error) {
    const limit = LIMIT_CODES[(error as { code?: string })?.code ?? ""];
    const where = `${path ? `${path}: ` : ""}{{${expression}}}`;
    if (limit) throw new ExpressionLimitError(limit, `${where}: ${describeJsonataError(error)} (expression ${limit} limit)`);
    if (error instanceof RangeError) throw new ExpressionLimitError("memory", `${where}: ${error.message} (expression memory limit)`);
    throw new TemplateError(path, expression, describeJsonataError(error));
  }
  // jsonata returns arrays tagged as sequences and may return functions: keep plain JSON only.
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result) ?? "null");
}

const splice = (value: unknown): string => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value));

/**
 * Resolves every template in a value. A string that is one template alone yields the raw value
 * (number, object, ...); otherwise each template's value is spliced into the text.
 */
export async function resolveTemplates(value: unknown, context: RunContext, path: (string | number)[] = [], flags: FlagEvaluation[] = []): Promise<unknown> {
  if (typeof value === "string") {
    if (!value.includes("{{")) return value;
    const where = path.join(".");
    const spans = scanTemplates(value);
    const whole = wholeTemplate(value, spans);
    if (whole !== undefined) return (await evaluate(whole, context, where, flags)) ?? null;
    let text = "";
    let at = 0;
    for (const span of spans) {
      text += value.slice(at, span.start) + splice(await evaluate(span.expression, context, where, flags));
      at = span.end;
    }
    return text + value.slice(at);
  }
  if (Array.isArray(value)) {
    const out = [];
    for (const [i, v] of value.entries()) out.push(await resolveTemplates(v, context, [...path, i], flags));
    return out;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveTemplates(v, context, [...path, k], flags);
    return out;
  }
  return value;
}

/** Runs a task and returns its result as JSON (null for "nothing"), refusing one over
 * `maxResultChars`. A task whose context carries flags answers `{ value, flags }` (what was
 * served, and why), so the step can record each flag it asked. */
export async function evaluateTask(task: ExpressionTask, maxResultChars: number): Promise<string | null> {
  const flags: FlagEvaluation[] = [];
  const value = task.kind === "resolve" ? await resolveTemplates(task.value, task.context, [], flags) : await evaluate(task.expression, task.context, task.path, flags);
  const result = task.context.flags ? { value, flags } : value;
  const json = result === undefined ? null : JSON.stringify(result);
  if (json !== null && json.length > maxResultChars) {
    throw new ExpressionLimitError(
      "result",
      `the result is ${json.length.toLocaleString("en-US")} characters of JSON, over the limit of ${maxResultChars.toLocaleString("en-US")} (expression result limit)`,
    );
  }
  return json;
}
