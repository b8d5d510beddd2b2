// Decision tables: typed inputs and outputs, rows of conditions with output values, and a hit
// policy that says what a set of matching rows means (the seven of DMN 1.3). The definition's
// shape (zod), its checks (every cell readable for its input's type; for `unique`, no two rows
// that could match the same inputs), and its evaluation. Pure and browser-safe: the editor's
// test panel and the Decide step run the same code.
import { z } from "zod";
import { expressionProblem } from "../workflow/templates.ts";
import { comparable, ConditionError, matches, mayOverlap, parseCondition, type Condition, type InputType } from "./conditions.ts";

export const HIT_POLICIES = ["unique", "any", "first", "rule_order", "collect", "priority", "output_order"] as const;
export type HitPolicy = (typeof HIT_POLICIES)[number];
export const AGGREGATIONS = ["sum", "min", "max", "count"] as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const decisionTableSchema = z
  .strictObject({
    inputs: z
      .array(
        z.strictObject({
          name: z.string().regex(NAME, "An input's name is an identifier: letters, digits and _, not starting with a digit."),
          type: z.enum(["string", "number", "boolean", "date", "enum"]),
          /** An enum's choices. */
          values: z.array(z.string().min(1).max(200)).max(200).optional(),
        }),
      )
      .min(1, "Add at least one input.")
      .max(50),
    outputs: z
      .array(
        z.strictObject({
          name: z.string().regex(NAME, "An output's name is an identifier: letters, digits and _, not starting with a digit."),
          type: z.enum(["string", "number", "boolean", "json"]),
          /** priority and output order: the values from highest to lowest priority. */
          values: z.array(z.string().min(1).max(200)).max(200).optional(),
        }),
      )
      .min(1, "Add at least one output.")
      .max(50),
    hitPolicy: z.enum(HIT_POLICIES),
    /** collect: fold the one output's values into one number. */
    aggregation: z.enum(AGGREGATIONS).optional(),
    rows: z
      .array(
        z.strictObject({
          id: z.string().min(1).max(64),
          /** One cell per input, in order. */
          when: z.array(z.string().max(2_000)),
          /** One value per output, in order. */
          then: z.array(z.json()),
          note: z.string().max(500).optional(),
        }),
      )
      .max(10_000),
  });
export type DecisionTable = z.infer<typeof decisionTableSchema>;

export interface TableProblem {
  /** e.g. rows.3.when.1, outputs.0.values */
  path: string;
  message: string;
  /** Overlaps: the other row. */
  rowIds?: string[];
}

/** A table with its cells parsed: what evaluation uses (compile once, evaluate many times). */
export interface CompiledTable {
  table: DecisionTable;
  conditions: Condition[][];
}

/** Parses every cell; throws nothing: problems come back with their paths. */
export function compileTable(table: DecisionTable): { compiled?: CompiledTable; problems: TableProblem[] } {
  const problems: TableProblem[] = [];
  const seen = new Set<string>();
  const names = (list: { name: string }[], what: string) =>
    list.forEach((x, i) => {
      if (seen.has(x.name)) problems.push({ path: `${what}.${i}.name`, message: `${x.name} is used twice; inputs and outputs need names of their own.` });
      seen.add(x.name);
    });
  names(table.inputs, "inputs");
  names(table.outputs, "outputs");
  table.inputs.forEach((input, i) => {
    if (input.type === "enum" && !input.values?.length) problems.push({ path: `inputs.${i}.values`, message: `${input.name} is an enum: list its values.` });
  });
  if (table.hitPolicy === "collect" && table.aggregation && table.outputs.length !== 1) {
    problems.push({ path: "aggregation", message: `${table.aggregation} folds one output into a number; this table has ${table.outputs.length}.` });
  }
  if (table.hitPolicy === "collect" && table.aggregation && table.aggregation !== "count" && table.outputs[0]?.type !== "number") {
    problems.push({ path: "aggregation", message: `${table.aggregation} adds up numbers; make the output a number, or count.` });
  }
  if (table.hitPolicy === "priority" || table.hitPolicy === "output_order") {
    table.outputs.forEach((o, i) => {
      if (!o.values?.length) problems.push({ path: `outputs.${i}.values`, message: `${table.hitPolicy === "priority" ? "Priority" : "Output order"} ranks rows by their outputs: list ${o.name}'s values, highest priority first.` });
    });
  }
  const ids = new Set<string>();
  const conditions = table.rows.map((row, r) => {
    if (ids.has(row.id)) problems.push({ path: `rows.${r}.id`, message: `Row id ${row.id} is used twice.` });
    ids.add(row.id);
    if (row.when.length !== table.inputs.length) problems.push({ path: `rows.${r}.when`, message: `Row ${r + 1} has ${row.when.length} conditions for ${table.inputs.length} inputs.` });
    if (row.then.length !== table.outputs.length) problems.push({ path: `rows.${r}.then`, message: `Row ${r + 1} has ${row.then.length} values for ${table.outputs.length} outputs.` });
    row.then.forEach((value, o) => {
      const output = table.outputs[o];
      const problem = output && outputProblem(value, output);
      if (problem) problems.push({ path: `rows.${r}.then.${o}`, message: problem });
    });
    return table.inputs.map((input, i) => {
      try {
        const condition = parseCondition(row.when[i] ?? "", input.type as InputType, input.values);
        const unreadable = condition.kind === "expression" ? expressionProblem(condition.expression) : undefined;
        if (unreadable) throw new ConditionError(`this expression cannot be read: ${unreadable}`);
        return condition;
      } catch (error) {
        if (!(error instanceof ConditionError)) throw error;
        problems.push({ path: `rows.${r}.when.${i}`, message: `${input.name}: ${error.message}` });
        return { kind: "any" } as Condition;
      }
    });
  });
  if (problems.length) return { problems };
  const compiled = { table, conditions };
  if (table.hitPolicy === "unique") problems.push(...overlaps(compiled));
  return { compiled, problems };
}

function outputProblem(value: unknown, output: DecisionTable["outputs"][number]): string | undefined {
  if (value === null) return undefined;
  if (output.type === "json") return undefined;
  if (typeof value !== output.type) return `${output.name} is a ${output.type}; ${JSON.stringify(value)} is not.`;
  if (output.values?.length && !output.values.includes(String(value))) return `${output.name} takes ${output.values.join(", ")}; ${JSON.stringify(value)} is not one of them.`;
  return undefined;
}

/** `unique`: every pair of rows that some inputs could both match, on the later row. Expression
 * cells are taken to match anything. */
function overlaps({ table, conditions }: CompiledTable): TableProblem[] {
  const problems: TableProblem[] = [];
  for (let a = 0; a < conditions.length; a++) {
    for (let b = a + 1; b < conditions.length; b++) {
      if (conditions[a].every((c, i) => mayOverlap(c, conditions[b][i]))) {
        problems.push({ path: `rows.${b}`, message: `Rows ${a + 1} and ${b + 1} can both match the same inputs; with the unique hit policy one row may match. Narrow one, or choose another hit policy.`, rowIds: [table.rows[a].id, table.rows[b].id] });
      }
    }
  }
  return problems;
}

export interface Decision {
  /** unique, any, first, priority: the matched row's outputs (null when none matched); rule order,
   * output order, collect: a list of them; collect with an aggregation: a number. */
  result: Record<string, unknown> | Record<string, unknown>[] | number | null;
  /** The rows that matched, in table order (what the run records). */
  matched: string[];
}

export class DecisionError extends Error {}

/** Answers an expression cell: its expression, and the inputs it reads by name. */
export type CellEvaluator = (expression: string, data: Record<string, unknown>) => Promise<boolean> | boolean;

/**
 * Evaluates the compiled table against `inputs` (by name). Plain cells are matched here; an
 * expression cell is asked of `expression` (where expressions run: a process that can be stopped),
 * only once the row's plain cells matched.
 */
export async function decide(compiled: CompiledTable, inputs: Record<string, unknown>, expression?: CellEvaluator): Promise<Decision> {
  const { table, conditions } = compiled;
  const values = table.inputs.map((input) => comparable(inputs[input.name], input.type as InputType));
  const hits: number[] = [];
  for (const [r, row] of conditions.entries()) {
    if (!row.every((c, i) => c.kind === "expression" || matches(c, values[i]))) continue;
    let hit = true;
    for (const c of row) {
      if (c.kind !== "expression") continue;
      if (!expression) throw new DecisionError("this table has expression cells, and nothing here evaluates them");
      if (!(await expression(c.expression, inputs))) {
        hit = false;
        break;
      }
    }
    if (hit) hits.push(r);
  }
  const outputsOf = (r: number) => Object.fromEntries(table.outputs.map((o, i) => [o.name, table.rows[r].then[i] ?? null]));
  const matched = hits.map((r) => table.rows[r].id);
  switch (table.hitPolicy) {
    case "unique":
      if (hits.length > 1) throw new DecisionError(`rows ${hits.map((r) => r + 1).join(" and ")} all match, and the table's hit policy is unique`);
      return { result: hits.length ? outputsOf(hits[0]) : null, matched };
    case "any": {
      const distinct = new Set(hits.map((r) => JSON.stringify(table.rows[r].then)));
      if (distinct.size > 1) throw new DecisionError(`rows ${hits.map((r) => r + 1).join(", ")} match with different outputs, and the table's hit policy is any`);
      return { result: hits.length ? outputsOf(hits[0]) : null, matched };
    }
    case "first":
      return { result: hits.length ? outputsOf(hits[0]) : null, matched: matched.slice(0, 1) };
    case "rule_order":
      return { result: hits.map(outputsOf), matched };
    case "priority": {
      const ranked = byPriority(compiled, hits);
      return { result: ranked.length ? outputsOf(ranked[0]) : null, matched: ranked.slice(0, 1).map((r) => table.rows[r].id) };
    }
    case "output_order":
      return { result: byPriority(compiled, hits).map(outputsOf), matched };
    case "collect": {
      if (!table.aggregation) return { result: hits.map(outputsOf), matched };
      if (table.aggregation === "count") return { result: hits.length, matched };
      const numbers = hits.map((r) => table.rows[r].then[0]).filter((v): v is number => typeof v === "number");
      if (numbers.length === 0) return { result: table.aggregation === "sum" ? 0 : null, matched };
      const result = table.aggregation === "sum" ? numbers.reduce((a, b) => a + b, 0) : table.aggregation === "min" ? Math.min(...numbers) : Math.max(...numbers);
      return { result, matched };
    }
  }
}

/** Rows ordered by their outputs' priority (each output's listed values, first = highest; the
 * first output decides, then the next), ties kept in table order. */
function byPriority({ table }: CompiledTable, hits: number[]): number[] {
  const rank = (r: number) => table.outputs.map((o, i) => {
    const k = o.values?.indexOf(String(table.rows[r].then[i])) ?? -1;
    return k === -1 ? Number.MAX_SAFE_INTEGER : k;
  });
  return hits.toSorted((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return a - b;
  });
}
