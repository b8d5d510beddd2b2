// A decision table's cells: the condition one input must meet for a row to match, written as a
// person types it. Parsed once (with the input's type) into a small tree, then matched against
// values, and turned into sets of values so that overlapping rows can be found. Pure and
// browser-safe: the grid checks cells as they are typed with the same code the engine runs.
//
//   (empty), -, any            any value
//   > 1000, >= 5, < 3, <= 3    a comparison (numbers and dates)
//   = 5, != 5, 5, "EU", EU     equal, or not equal
//   between 100 and 500        inclusive at both ends (numbers and dates)
//   in ["EU", "UK"]            one of (not in [...]: none of)
//   true, false                booleans
//   {{ expression }}           JSONata over the inputs by name (`{{ total > limit * 2 }}`), true to
//                              match; evaluated where expressions can be stopped

export type InputType = "string" | "number" | "boolean" | "date" | "enum";

export type Condition =
  | { kind: "any" }
  | { kind: "compare"; op: "<" | "<=" | ">" | ">="; value: number }
  | { kind: "equal"; values: (string | number | boolean)[]; negate: boolean }
  | { kind: "between"; low: number; high: number }
  | { kind: "expression"; expression: string };

export class ConditionError extends Error {}

const ANY = new Set(["", "-", "any"]);

/** The condition a cell holds for an input of `type` (`values`: an enum's choices). Throws a
 * ConditionError saying what is wrong. Dates are kept as epoch milliseconds. */
export function parseCondition(text: string, type: InputType, values: readonly string[] = []): Condition {
  const cell = text.trim();
  if (ANY.has(cell.toLowerCase())) return { kind: "any" };
  const expression = /^\{\{([\s\S]+)\}\}$/.exec(cell);
  if (expression) return { kind: "expression", expression: expression[1].trim() };
  const between = /^between\s+(.+?)\s+and\s+(.+)$/i.exec(cell);
  if (between) {
    const [low, high] = [ordered(between[1], type), ordered(between[2], type)];
    if (low > high) throw new ConditionError(`between ${between[1]} and ${between[2]}: the first bound is above the second.`);
    return { kind: "between", low, high };
  }
  const list = /^(not\s+)?in\s*\[([\s\S]*)\]$/i.exec(cell);
  if (list) {
    const items = splitList(list[2]).map((item) => scalar(item, type, values));
    if (items.length === 0) throw new ConditionError("in [ ]: name at least one value.");
    return { kind: "equal", values: items, negate: !!list[1] };
  }
  const comparison = /^(<=|>=|!=|<|>|=)\s*(.+)$/.exec(cell);
  if (comparison) {
    const [, op, rest] = comparison;
    if (op === "=" || op === "!=") return { kind: "equal", values: [scalar(rest, type, values)], negate: op === "!=" };
    return { kind: "compare", op: op as "<" | "<=" | ">" | ">=", value: ordered(rest, type) };
  }
  return { kind: "equal", values: [scalar(cell, type, values)], negate: false };
}

/** A number, or a date as epoch milliseconds: what comparisons and ranges need. */
function ordered(text: string, type: InputType): number {
  if (type === "number") {
    const n = Number(text.trim());
    if (text.trim() === "" || !Number.isFinite(n)) throw new ConditionError(`${text.trim()} is not a number.`);
    return n;
  }
  if (type === "date") return date(text);
  throw new ConditionError(`Comparisons and ranges are for numbers and dates; this input is a ${type}.`);
}

function date(text: string): number {
  const t = unquote(text.trim());
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms)) throw new ConditionError(`${t} is not a date: write it as 2026-12-31 (or 2026-12-31T09:30:00Z).`);
  return ms;
}

/** One value to compare with equality, as the input's type has it. */
function scalar(text: string, type: InputType, values: readonly string[]): string | number | boolean {
  const t = text.trim();
  switch (type) {
    case "number":
      return ordered(t, type);
    case "date":
      return date(t);
    case "boolean":
      if (t === "true" || t === "false") return t === "true";
      throw new ConditionError(`${t} is not true or false.`);
    case "enum": {
      const v = unquote(t);
      if (!values.includes(v)) throw new ConditionError(`${v} is not one of this input's values (${values.join(", ")}).`);
      return v;
    }
    default:
      return unquote(t);
  }
}

const unquote = (t: string) => (/^"(?:[^"\\]|\\.)*"$/.test(t) ? (JSON.parse(t) as string) : t);

/** The items of `"a", "b, c", d`: commas inside quotes do not split. */
function splitList(text: string): string[] {
  const items: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== "\\") quoted = !quoted;
    if (c === "," && !quoted) {
      items.push(current);
      current = "";
    } else current += c;
  }
  if (current.trim() !== "" || items.length) items.push(current);
  return items.map((s) => s.trim()).filter((s, i, all) => s !== "" || all.length > 1);
}

/** An input's value as conditions compare it: dates as epoch milliseconds; undefined when it is
 * not of the input's type (it then matches only `any`). */
export function comparable(value: unknown, type: InputType): string | number | boolean | undefined {
  switch (type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    case "date": {
      const ms = typeof value === "string" ? Date.parse(value) : typeof value === "number" ? value : NaN;
      return Number.isFinite(ms) ? ms : undefined;
    }
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    default:
      return typeof value === "string" ? value : undefined;
  }
}

/** Whether a value meets a condition; an expression's answer comes from `expression`. */
export function matches(condition: Condition, value: string | number | boolean | undefined, expression?: (e: string) => boolean): boolean {
  switch (condition.kind) {
    case "any":
      return true;
    case "expression":
      if (!expression) throw new Error("an expression condition needs an evaluator");
      return expression(condition.expression);
    case "equal":
      return value !== undefined && condition.values.includes(value) !== condition.negate;
    case "between":
      return typeof value === "number" && value >= condition.low && value <= condition.high;
    case "compare":
      if (typeof value !== "number") return false;
      return condition.op === "<" ? value < condition.value : condition.op === "<=" ? value <= condition.value : condition.op === ">" ? value > condition.value : value >= condition.value;
  }
}

/** Whether some value could meet both conditions (for finding rows that overlap). An expression
 * may meet anything: it is taken to overlap. */
export function mayOverlap(a: Condition, b: Condition): boolean {
  if (a.kind === "any" || b.kind === "any" || a.kind === "expression" || b.kind === "expression") return true;
  if (a.kind === "equal" && b.kind === "equal") {
    if (!a.negate && !b.negate) return a.values.some((v) => b.values.includes(v));
    if (a.negate && b.negate) return true;
    const [only, not] = a.negate ? [b, a] : [a, b];
    return only.values.some((v) => !not.values.includes(v));
  }
  if (a.kind === "equal" || b.kind === "equal") {
    const [eq, range] = a.kind === "equal" ? [a, b] : [b, a as Condition];
    if ((eq as { negate: boolean }).negate) return true;
    return (eq as { values: unknown[] }).values.some((v) => typeof v === "number" && matches(range, v));
  }
  const [lo1, hi1, lo1in, hi1in] = bounds(a);
  const [lo2, hi2, lo2in, hi2in] = bounds(b);
  const lo = Math.max(lo1, lo2);
  const hi = Math.min(hi1, hi2);
  if (lo < hi) return true;
  if (lo > hi) return false;
  // They touch at one value: both must include it.
  return (lo1 === lo ? lo1in : true) && (lo2 === lo ? lo2in : true) && (hi1 === hi ? hi1in : true) && (hi2 === hi ? hi2in : true);
}

/** A range condition as [low, high, low included, high included]. */
function bounds(c: Condition): [number, number, boolean, boolean] {
  if (c.kind === "between") return [c.low, c.high, true, true];
  if (c.kind === "compare") {
    if (c.op === ">") return [c.value, Infinity, false, false];
    if (c.op === ">=") return [c.value, Infinity, true, false];
    if (c.op === "<") return [-Infinity, c.value, false, false];
    return [-Infinity, c.value, false, true];
  }
  return [-Infinity, Infinity, false, false];
}
