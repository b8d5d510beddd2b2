// `{{ jsonata }}` templates in step configs: finding them and checking their syntax. Browser-
// safe; evaluation happens in lib/expressions (worker threads that can be stopped). Scanning is
// linear in the length of the text: a string of a million `{` costs a millisecond, not minutes.
import jsonata from "jsonata";
import { Re2RegExp } from "../expressions/re2.ts";
import type { FlagSnapshot } from "../flags/definition.ts";

/** The data templates see: the run input, the outputs of finished steps, and the run itself. */
export interface RunContext {
  input: unknown;
  steps: Record<string, { output: unknown }>;
  run: { id: string; workflowId: string; attempt: number };
  /** In a compensation: the step it undoes, as that step ended (its resolved input, its output
   * when it succeeded, its error when it failed mid-way). */
  original?: { nodeId: string; status: string; input: unknown; output: unknown; error: unknown };
  /** In a for-each's drawn body: the item it runs for, and its index in the list (from 0). */
  item?: unknown;
  index?: number;
  /** Credential values, only in the worker, only those the step's templates name
   * (lib/secrets/credentials.ts resolveSecrets); masked in everything the step keeps. */
  secrets?: Record<string, string>;
  /** The flags its templates ask for (`$flag("key", ...)`), loaded by the worker (lib/flags). */
  flags?: Record<string, FlagSnapshot>;
}

/** The credentials a config's templates name (`{{ secrets.NAME }}`), each once. */
export function referencedSecrets(config: unknown): string[] {
  const names = new Set<string>();
  for (const { expression } of findTemplates(config)) for (const m of expression.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  return [...names];
}

/** The flags expressions ask for by key (`$flag("new-pricing", ...)`), each once. */
export function flagsAsked(expressions: string[]): string[] {
  const keys = new Set<string>();
  for (const expression of expressions) for (const m of expression.matchAll(/\$flag\(\s*["']([a-z][a-z0-9-]{0,62})["']/g)) keys.add(m[1]);
  return [...keys];
}

/** The flags a config's templates ask for. */
export const referencedFlags = (config: unknown): string[] => flagsAsked(findTemplates(config).map((t) => t.expression));

/** A template in a string: `text.slice(start, end)` is `{{expression}}`. */
export interface TemplateSpan {
  start: number;
  end: number;
  expression: string;
}

/**
 * Every `{{ … }}` in a string, left to right: each runs to the first `}}` after its `{{` (with at
 * least one character between). Each search starts where the previous one stopped, so the whole
 * scan is linear; a `{{` with no `}}` after it ends the scan.
 */
export function scanTemplates(text: string): TemplateSpan[] {
  const spans: TemplateSpan[] = [];
  for (let from = 0; ; ) {
    const open = text.indexOf("{{", from);
    if (open < 0) return spans;
    const close = text.indexOf("}}", open + 3);
    if (close < 0) return spans;
    spans.push({ start: open, end: close + 2, expression: text.slice(open + 2, close) });
    from = close + 2;
  }
}

/** The expression when `text` is one template alone (blank around it): its value is kept raw. */
export function wholeTemplate(text: string, spans = scanTemplates(text)): string | undefined {
  if (spans.length !== 1) return undefined;
  const [only] = spans;
  if (only.expression.includes("{{") || text.slice(0, only.start).trim() || text.slice(only.end).trim()) return undefined;
  return only.expression;
}

export const isTemplate = (value: unknown): boolean => typeof value === "string" && value.includes("{{");

/** Whether a string holds at least one complete template. */
export const hasTemplate = (text: string): boolean => scanTemplates(text).length > 0;

/** JSONata's own guards, inside the evaluating thread (which is stopped from outside as well). */
const options = { timeout: 1000, stack: 200, sequence: 100_000, RegexEngine: Re2RegExp as unknown as RegExpConstructor };

/** The expression threads set JSONata's own time guard to their time limit. */
export function setExpressionTimeout(ms: number): void {
  options.timeout = ms;
}

const cache = new Map<string, jsonata.Expression>();

/** Parses an expression (cached); regular expressions in it run on RE2. Throws on bad syntax. */
export function compile(expression: string): jsonata.Expression {
  let compiled = cache.get(expression);
  if (!compiled) {
    compiled = jsonata(expression, options);
    if (cache.size >= 2000) cache.delete(cache.keys().next().value!);
    cache.set(expression, compiled);
  }
  return compiled;
}

/** jsonata's errors are plain objects with a message; this makes a sentence of them. */
export function describeJsonataError(error: unknown): string {
  const e = error as { message?: string; position?: number; token?: string; code?: string };
  if (e?.code === "D1012") return `took longer than ${options.timeout} ms`;
  if (e?.code === "D1011") return "nests too deeply";
  const where = typeof e?.position === "number" ? ` (at character ${e.position})` : "";
  return `${e?.message ?? String(error)}${where}`;
}

/** Every template in a value, with the dotted path of the string that holds it. */
export function findTemplates(value: unknown, path: (string | number)[] = []): { path: string; expression: string }[] {
  if (typeof value === "string") return scanTemplates(value).map((t) => ({ path: path.join("."), expression: t.expression }));
  if (Array.isArray(value)) return value.flatMap((v, i) => findTemplates(v, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => findTemplates(v, [...path, k]));
  return [];
}

/** Regular expressions RE2 cannot run (backreferences, lookaround), found in a parsed expression. */
function unsupportedRegex(node: unknown): string | undefined {
  if (!node || typeof node !== "object") return undefined;
  const n = node as { type?: string; value?: unknown };
  if (n.type === "regex" && n.value instanceof RegExp) {
    try {
      new Re2RegExp(n.value);
    } catch (error) {
      return (error as Error).message;
    }
  }
  for (const child of Object.values(node)) {
    const found = Array.isArray(child) ? child.map(unsupportedRegex).find(Boolean) : unsupportedRegex(child);
    if (found) return found;
  }
  return undefined;
}

/** Why an expression cannot run (bad syntax, unsupported regex), or undefined when it can. */
export function expressionProblem(expression: string): string | undefined {
  let parsed: jsonata.Expression;
  try {
    parsed = compile(expression);
  } catch (error) {
    return describeJsonataError(error);
  }
  return unsupportedRegex(parsed.ast());
}
