// Decision tables (conditions, hit policies, overlap) and sticky percentage rollout: pure rules.
import { describe, expect, it } from "vitest";
import { ConditionError, matches, mayOverlap, parseCondition, comparable } from "../../lib/rules/conditions.ts";
import { compileTable, decide, DecisionError, type DecisionTable } from "../../lib/rules/decision-table.ts";
import { bucketOf, inRollout, variantOf } from "../../lib/flags/bucket.ts";

const at = (cell: string, type: Parameters<typeof parseCondition>[1], value: unknown, values?: string[]) => matches(parseCondition(cell, type, values), comparable(value, type));

describe("conditions", () => {
  it("read numbers: comparisons, ranges, lists, equality, any", () => {
    expect([999, 1000, 1001].map((v) => at("> 1000", "number", v))).toEqual([false, false, true]);
    expect([999, 1000].map((v) => at(">=1000", "number", v))).toEqual([false, true]);
    expect([99, 100, 500, 501].map((v) => at("between 100 and 500", "number", v))).toEqual([false, true, true, false]);
    expect([1, 2, 3].map((v) => at("in [1, 3]", "number", v))).toEqual([true, false, true]);
    expect([1, 2].map((v) => at("not in [1]", "number", v))).toEqual([false, true]);
    expect([5, 6].map((v) => at("5", "number", v))).toEqual([true, false]);
    expect([5, 6].map((v) => at("!= 5", "number", v))).toEqual([false, true]);
    for (const cell of ["", "-", "any", " ANY "]) expect(at(cell, "number", 42)).toBe(true);
    // A value that is not a number matches only "any".
    expect(at("> 1", "number", "7")).toBe(false);
  });

  it("read strings and enums, quoted or not; booleans; dates", () => {
    expect(["EU", "UK", "US"].map((v) => at('in ["EU","UK"]', "string", v))).toEqual([true, true, false]);
    expect(at('in ["a, b", c]', "string", "a, b")).toBe(true);
    expect(at("EU", "string", "EU")).toBe(true);
    expect(at('"gold plan"', "string", "gold plan")).toBe(true);
    expect(at("gold", "enum", "gold", ["gold", "silver"])).toBe(true);
    expect(() => parseCondition("bronze", "enum", ["gold", "silver"])).toThrow("bronze is not one of this input's values (gold, silver).");
    expect([true, false].map((v) => at("true", "boolean", v))).toEqual([true, false]);
    expect(["2026-01-31", "2026-02-01"].map((v) => at("< 2026-02-01", "date", v))).toEqual([true, false]);
    expect(["2026-03-15T10:00:00Z", "2026-07-01"].map((v) => at("between 2026-01-01 and 2026-06-30", "date", v))).toEqual([true, false]);
  });

  it("say what is wrong with a cell", () => {
    expect(() => parseCondition("> lots", "number")).toThrow(new ConditionError("lots is not a number."));
    expect(() => parseCondition("> EU", "string")).toThrow("Comparisons and ranges are for numbers and dates; this input is a string.");
    expect(() => parseCondition("between 5 and 1", "number")).toThrow("the first bound is above the second");
    expect(() => parseCondition("in []", "string")).toThrow("name at least one value");
    expect(() => parseCondition("yes", "boolean")).toThrow("yes is not true or false.");
    expect(() => parseCondition("> 31/12/2026", "date")).toThrow("write it as 2026-12-31");
  });

  it("keep expressions for an evaluator", () => {
    const c = parseCondition("{{ total > limit * 2 }}", "number");
    expect(c).toEqual({ kind: "expression", expression: "total > limit * 2" });
    expect(matches(c, 5, (e) => e === "total > limit * 2")).toBe(true);
  });

  it("know when two cells can hold at once", () => {
    const n = (cell: string) => parseCondition(cell, "number");
    expect(mayOverlap(n("> 1000"), n("between 500 and 1000"))).toBe(false);
    expect(mayOverlap(n(">= 1000"), n("between 500 and 1000"))).toBe(true);
    expect(mayOverlap(n("< 10"), n("> 5"))).toBe(true);
    expect(mayOverlap(n("< 5"), n(">= 5"))).toBe(false);
    expect(mayOverlap(n("in [1, 2]"), n("> 2"))).toBe(false);
    expect(mayOverlap(n("3"), n("between 1 and 5"))).toBe(true);
    const s = (cell: string) => parseCondition(cell, "string");
    expect(mayOverlap(s('in ["EU","UK"]'), s("US"))).toBe(false);
    expect(mayOverlap(s('not in ["EU"]'), s("EU"))).toBe(false);
    expect(mayOverlap(s('not in ["EU"]'), s("US"))).toBe(true);
    expect(mayOverlap(s("-"), s("US"))).toBe(true);
  });
});

/** Discount by order total and region. */
const table = (hitPolicy: DecisionTable["hitPolicy"], rows: [string, string, number | string][], extra: Partial<DecisionTable> = {}): DecisionTable => ({
  inputs: [
    { name: "total", type: "number" },
    { name: "region", type: "string" },
  ],
  outputs: [{ name: "discount", type: "number" }],
  hitPolicy,
  rows: rows.map(([total, region, discount], i) => ({ id: `r${i + 1}`, when: [total, region], then: [discount] })),
  ...extra,
});
const run = async (t: DecisionTable, inputs: Record<string, unknown>) => {
  const { compiled, problems } = compileTable(t);
  if (!compiled) throw new Error(JSON.stringify(problems));
  return decide(compiled, inputs);
};

describe("hit policies", () => {
  const rows: [string, string, number | string][] = [
    ["> 1000", 'in ["EU","UK"]', 10],
    ["> 500", "-", 5],
    ["-", "US", 2],
  ];

  it("unique: one row or none; overlapping rows are problems on the rows, and two matches an error", async () => {
    const clean = table("unique", [["> 1000", "-", 10], ["between 0 and 1000", "-", 0]]);
    expect(compileTable(clean).problems).toEqual([]);
    expect(await run(clean, { total: 1500, region: "EU" })).toEqual({ result: { discount: 10 }, matched: ["r1"] });
    expect(await run(clean, { total: -5, region: "EU" })).toEqual({ result: null, matched: [] });
    const { problems, compiled } = compileTable(table("unique", rows));
    // Rows 1 and 3 cannot meet: EU or UK against US.
    expect(problems.map((p) => [p.path, p.rowIds])).toEqual([
      ["rows.1", ["r1", "r2"]],
      ["rows.2", ["r2", "r3"]],
    ]);
    await expect(decide(compiled!, { total: 1500, region: "EU" })).rejects.toThrow(new DecisionError("rows 1 and 2 all match, and the table's hit policy is unique"));
  });

  it("first, rule order, any", async () => {
    expect(await run(table("first", rows), { total: 1500, region: "EU" })).toEqual({ result: { discount: 10 }, matched: ["r1"] });
    expect(await run(table("rule_order", rows), { total: 1500, region: "US" })).toEqual({ result: [{ discount: 5 }, { discount: 2 }], matched: ["r2", "r3"] });
    expect(await run(table("any", [["> 10", "-", 1], ["> 20", "-", 1]]), { total: 30, region: "x" })).toEqual({ result: { discount: 1 }, matched: ["r1", "r2"] });
    await expect(run(table("any", rows), { total: 1500, region: "EU" })).rejects.toThrow("match with different outputs");
  });

  it("collect: the list, or its sum, min, max or count", async () => {
    const inputs = { total: 1500, region: "US" };
    expect((await run(table("collect", rows), inputs)).result).toEqual([{ discount: 5 }, { discount: 2 }]);
    expect((await run(table("collect", rows, { aggregation: "sum" }), inputs)).result).toBe(7);
    expect((await run(table("collect", rows, { aggregation: "min" }), inputs)).result).toBe(2);
    expect((await run(table("collect", rows, { aggregation: "max" }), inputs)).result).toBe(5);
    expect((await run(table("collect", rows, { aggregation: "count" }), inputs)).result).toBe(2);
    expect(await run(table("collect", rows, { aggregation: "sum" }), { total: 1, region: "EU" })).toEqual({ result: 0, matched: [] });
  });

  it("priority and output order rank by the output's listed values", async () => {
    const ranked = (policy: "priority" | "output_order") => ({
      inputs: [{ name: "score", type: "number" as const }],
      outputs: [{ name: "risk", type: "string" as const, values: ["high", "medium", "low"] }],
      hitPolicy: policy,
      rows: [
        { id: "a", when: ["> 10"], then: ["low"] },
        { id: "b", when: ["> 50"], then: ["high"] },
        { id: "c", when: ["> 30"], then: ["medium"] },
      ],
    });
    expect(await run(ranked("priority"), { score: 60 })).toEqual({ result: { risk: "high" }, matched: ["b"] });
    expect(await run(ranked("output_order"), { score: 60 })).toEqual({ result: [{ risk: "high" }, { risk: "medium" }, { risk: "low" }], matched: ["a", "b", "c"] });
    expect(compileTable({ ...ranked("priority"), outputs: [{ name: "risk", type: "string" }] }).problems[0].message).toMatch(/list risk's values, highest priority first/);
  });

  it("refuse cells and outputs that do not fit, naming the cell", () => {
    const { problems } = compileTable(table("first", [["> many", "-", 1], ["-", "-", "ten"]]));
    expect(problems).toEqual([
      { path: "rows.0.when.0", message: "total: many is not a number." },
      { path: "rows.1.then.0", message: 'discount is a number; "ten" is not.' },
    ]);
  });
});

describe("sticky percentage rollout", () => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `customer-${i}`);

  it("puts the share asked for in, within 2 %", () => {
    for (const percent of [1, 10, 30, 50, 90]) {
      const share = keys.filter((k) => inRollout("new-pricing", k, percent)).length / keys.length;
      expect(Math.abs(share * 100 - percent)).toBeLessThan(2);
    }
  });

  it("raising the percentage only adds keys; each key keeps its answer; flags pick apart", () => {
    const at10 = keys.filter((k) => inRollout("new-pricing", k, 10));
    const at20 = new Set(keys.filter((k) => inRollout("new-pricing", k, 20)));
    expect(at10.every((k) => at20.has(k))).toBe(true);
    expect(keys.slice(0, 1000).every((k) => bucketOf("new-pricing", k) === bucketOf("new-pricing", k))).toBe(true);
    const other = new Set(keys.filter((k) => inRollout("other-flag", k, 10)));
    const both = at10.filter((k) => other.has(k)).length / at10.length;
    expect(both).toBeLessThan(0.15);
  });

  it("splits variants by weight, sticky per key", () => {
    const variants = [{ value: "a", weight: 25 }, { value: "b", weight: 25 }, { value: "c", weight: 50 }];
    const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (const k of keys) counts[variantOf("layout", k, variants)!]++;
    expect(Math.abs(counts.a / 1000 - 25)).toBeLessThan(2);
    expect(Math.abs(counts.c / 1000 - 50)).toBeLessThan(2);
  });
});

describe("expression cells", () => {
  it("are asked only for rows whose plain cells matched, with the inputs by name", async () => {
    const asked: unknown[] = [];
    const t: DecisionTable = {
      inputs: [{ name: "total", type: "number" }, { name: "limit", type: "number" }],
      outputs: [{ name: "over", type: "boolean" }],
      hitPolicy: "first",
      rows: [
        { id: "big", when: ["> 1000", "{{ limit > 5 }}"], then: [true] },
        { id: "relative", when: ["{{ total > limit * 2 }}", "-"], then: [true] },
        { id: "else", when: ["-", "-"], then: [false] },
      ],
    };
    const { compiled } = compileTable(t);
    const evaluate = (expression: string, data: Record<string, unknown>) => {
      asked.push([expression, data.total]);
      return expression === "total > limit * 2" ? (data.total as number) > (data.limit as number) * 2 : (data.limit as number) > 5;
    };
    expect(await decide(compiled!, { total: 50, limit: 20 }, evaluate)).toEqual({ result: { over: true }, matched: ["relative"] });
    // Row "big" failed on its plain cell: its expression was never asked.
    expect(asked).toEqual([["total > limit * 2", 50]]);
    await expect(decide(compiled!, { total: 50, limit: 20 })).rejects.toThrow("nothing here evaluates them");
  });
});

describe("version diff", () => {
  it("names rows added, removed, changed (by cell) and moved, and column and policy changes", async () => {
    const { diffTables } = await import("../../lib/rules/diff.ts");
    const before = table("first", [["> 1000", "EU", 10], ["> 500", "-", 5], ["-", "US", 2], ["-", "-", 0]]);
    const after: DecisionTable = {
      ...before,
      hitPolicy: "unique",
      rows: [before.rows[1], { ...before.rows[0], then: [12] }, { id: "new", when: ["< 0", "-"], then: [0] }, before.rows[3]],
    };
    const diff = diffTables(before, after);
    expect(diff.other).toEqual(["hit policy first → unique"]);
    expect(diff.rows).toEqual([
      { id: "r2", change: "moved", row: 1 },
      { id: "r1", change: "changed", row: 2, cells: [{ column: "→ discount", before: 10, after: 12 }] },
      { id: "new", change: "added", row: 3 },
      { id: "r3", change: "removed", row: 3 },
    ]);
  });
});
