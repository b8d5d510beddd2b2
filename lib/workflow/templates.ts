// `{{ jsonata }}` templates in step configs. A string that is one template alone yields the raw
// value (number, object, ...); otherwise each template's value is spliced into the text.
// Expressions are JSONata, evaluated with a time and depth limit: no JavaScript evaluation.
import jsonata from "jsonata";

const TEMPLATE = /\{\{([\s\S]+?)\}\}/g;
const WHOLE = /^\s*\{\{((?:(?!\{\{|\}\})[\s\S])+)\}\}\s*$/;
const LIMITS = { timeout: 1000, stack: 200, sequence: 100_000 };

/** The data templates see: the run input, the outputs of finished steps, and the run itself. */
export interface RunContext {
  input: unknown;
  steps: Record<string, { output: unknown }>;
  run: { id: string; workflowId: string; attempt: number };
}

export class TemplateError extends Error {
  /** The same data gives the same error, so a step failing on it is not retried. */
  readonly retryable = false;
  readonly code = "template";
  readonly path: string;
  readonly expression: string;

  constructor(path: string, expression: string, message: string) {
    super(`${path ? `${path}: ` : ""}{{${expression}}}: ${message}`);
    this.path = path;
    this.expression = expression;
  }
}

const cache = new Map<string, jsonata.Expression>();

export function compile(expression: string): jsonata.Expression {
  let compiled = cache.get(expression);
  if (!compiled) {
    compiled = jsonata(expression, LIMITS);
    if (cache.size >= 2000) cache.delete(cache.keys().next().value!);
    cache.set(expression, compiled);
  }
  return compiled;
}

/** jsonata's errors are plain objects with a message; this makes a sentence of them. */
export function describeJsonataError(error: unknown): string {
  const e = error as { message?: string; position?: number; token?: string; code?: string };
  if (e?.code === "D1012") return "took longer than 1 s";
  if (e?.code === "D1011") return "nests too deeply";
  const where = typeof e?.position === "number" ? ` (at character ${e.position})` : "";
  return `${e?.message ?? String(error)}${where}`;
}

export function isTemplate(value: unknown): boolean {
  return typeof value === "string" && value.includes("{{");
}

/** Every template in a value, with the dotted path of the string that holds it. */
export function findTemplates(value: unknown, path: (string | number)[] = []): { path: string; expression: string }[] {
  if (typeof value === "string") {
    return [...value.matchAll(TEMPLATE)].map((m) => ({ path: path.join("."), expression: m[1] }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findTemplates(v, [...path, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => findTemplates(v, [...path, k]));
  }
  return [];
}

/** Syntax errors of every template in a value (nothing is evaluated). */
export function checkTemplates(value: unknown, path: (string | number)[] = []): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  for (const t of findTemplates(value, path)) {
    if (!t.expression.trim()) {
      errors.push({ path: t.path, message: "has an empty template {{ }}" });
      continue;
    }
    try {
      compile(t.expression);
    } catch (error) {
      errors.push({ path: t.path, message: `invalid expression {{${t.expression}}}: ${describeJsonataError(error)}` });
    }
  }
  return errors;
}

/** Evaluates one JSONata expression against the run context; the result is plain JSON. */
export async function evaluate(expression: string, context: RunContext, path = ""): Promise<unknown> {
  let result: unknown;
  try {
    result = await compile(expression).evaluate(context);
  } catch (error) {
    throw new TemplateError(path, expression, describeJsonataError(error));
  }
  // jsonata returns arrays tagged as sequences and may return functions: keep plain JSON only.
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result) ?? "null");
}

function splice(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export async function resolveTemplates(value: unknown, context: RunContext, path: (string | number)[] = []): Promise<unknown> {
  if (typeof value === "string") {
    if (!value.includes("{{")) return value;
    const where = path.join(".");
    const whole = WHOLE.exec(value);
    if (whole) return (await evaluate(whole[1], context, where)) ?? null;
    const parts = await Promise.all([...value.matchAll(TEMPLATE)].map((m) => evaluate(m[1], context, where)));
    let i = 0;
    return value.replace(TEMPLATE, () => splice(parts[i++]));
  }
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => resolveTemplates(v, context, [...path, i])));
  if (value && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolveTemplates(v, context, [...path, k])] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
