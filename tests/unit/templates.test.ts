// Finding and checking templates: pure, linear in the text, nothing evaluated.
import { describe, expect, it } from "vitest";
import { checkTemplates, expressionProblem, findTemplates, hasTemplate, scanTemplates, wholeTemplate } from "../../lib/workflow/templates.ts";
import { Re2RegExp } from "../../lib/expressions/re2.ts";
import { isBounded } from "../../lib/expressions/bounded.ts";

describe("scanTemplates", () => {
  it("finds each template up to the first }} after its {{", () => {
    expect(scanTemplates("a {{ x }} b {{y}}").map((t) => t.expression)).toEqual([" x ", "y"]);
    expect(scanTemplates('{{ {"a": 1} }}').map((t) => t.expression)).toEqual([' {"a": 1} ']);
    expect(scanTemplates("{{ unclosed")).toEqual([]);
    expect(scanTemplates("{{}}")).toEqual([]);
  });

  it("tells a string that is one template alone from one with text around it", () => {
    expect(wholeTemplate("  {{ input.a }} ")).toBe(" input.a ");
    expect(wholeTemplate("id: {{ input.a }}")).toBeUndefined();
    expect(wholeTemplate("{{ a }}{{ b }}")).toBeUndefined();
    expect(hasTemplate("{{ a }}")).toBe(true);
    expect(hasTemplate("{{ a")).toBe(false);
  });

  it("scans a string of 200,000 braces (quadratic scanning once took seconds on 160,000)", () => {
    const hostile = "{".repeat(200_000);
    expect(scanTemplates(hostile)).toEqual([]);
    expect(checkTemplates({ a: hostile, b: "{{".repeat(100_000) + "}}" })).toEqual([
      { path: "b", message: expect.stringContaining("invalid expression") },
    ]);
  });
});

describe("checkTemplates", () => {
  it("finds syntax errors without evaluating, with paths", () => {
    expect(checkTemplates({ ok: "{{ input.a }}", bad: ["x", "{{ input.( }}"], empty: "{{ }}" }, ["config"])).toEqual([
      { path: "config.bad.1", message: expect.stringContaining("invalid expression") },
      { path: "config.empty", message: "has an empty template {{ }}" },
    ]);
  });

  it("lists templates with their paths", () => {
    expect(findTemplates({ a: "{{ x }} and {{ y }}" })).toEqual([
      { path: "a", expression: " x " },
      { path: "a", expression: " y " },
    ]);
  });

  it("refuses regular expressions that need backtracking, which RE2 cannot run", () => {
    expect(expressionProblem('$match("aa", /(a)\\1/)')).toMatch(/not supported/);
    expect(expressionProblem('$contains("x", /^(a+)+$/)')).toBeUndefined();
  });
});

describe("Re2RegExp", () => {
  it("matches in linear time where JavaScript's engine backtracks exponentially", () => {
    const re = new Re2RegExp(/^(a+)+$/);
    expect(re.test("a".repeat(100_000) + "!")).toBe(false);
    expect(re.test("aaaa")).toBe(true);
  });

  it("behaves as a global RegExp for JSONata: exec from lastIndex, with groups and index", () => {
    const re = new Re2RegExp(/b(.)/);
    const first = re.exec("abc abd")!;
    expect([...first]).toEqual(["bc", "c"]);
    expect(first.index).toBe(1);
    expect(re.exec("abc abd")!.index).toBe(5);
    expect(re.exec("abc abd")).toBeNull();
    expect(new Re2RegExp(/HELLO/i).test("say hello")).toBe(true);
  });
});

describe("isBounded", () => {
  it("lets paths, literals, arithmetic, comparisons, filters and constructors run inline", () => {
    for (const e of ["input.n + 1", 'steps.a.output.items[price > 10].id', '"a" & input.name', 'input.amount > 100 ? "big" : "small"', '{"x": input.a, "y": [1, 2]}', "$", "input.tags[0]", "x in ['a', 'b'] and true", "a.*", "(input.a; input.b)"]) {
      expect(isBounded(e), e).toBe(true);
    }
  });

  it("sends anything that can loop, recurse, match or multiply to an evaluator", () => {
    for (const e of ["$count(x)", "[1..10000000]", "a@$o.b", "a#$i.b", "items[$$.items[x = 1]]", "**.id", "%.x", "a^(b)", "($f := function($n) { $f($n) }; $f(1))", '$contains("x", /a+/)', "a ~> $string()", "a{b: c}", "input.(", '{"a": 1}.{"a": $, "b": $}.{"a": $, "b": $}', "input.{\"s\": s & s}", "a.(b & b)", "a.[b, b]"]) {
      expect(isBounded(e), e).toBe(false);
    }
  });
});
