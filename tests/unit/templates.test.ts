// Finding and checking templates: pure, linear in the text, nothing evaluated.
import { describe, expect, it } from "vitest";
import { expressionProblem, findTemplates, hasTemplate, scanTemplates, wholeTemplate } from "../../lib/workflow/templates.ts";
import { validateDefinition } from "../../lib/workflow/validate.ts";
import { Re2RegExp } from "../../lib/expressions/re2.ts";
import { previewFields, previewText } from "../../lib/canvas/previews.ts";
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
    expect(findTemplates({ a: hostile, b: "{{".repeat(40_000) + "}}" }).map((t) => t.path)).toEqual(["b"]);
  });
});

/** start → the given steps, in a line. */
const line = (...steps: { id: string; type: string; config: Record<string, unknown> }[]) => {
  const nodes = [{ id: "start", type: "start", position: { x: 0, y: 0 }, config: {} }, ...steps.map((n, i) => ({ ...n, position: { x: (i + 1) * 300, y: 0 } }))];
  return { nodes, edges: nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id })) };
};
const problemsOf = (definition: unknown) => validateDefinition(definition).problems.map(({ path, message, severity }) => ({ path, message, ...(severity ? { severity } : {}) }));

describe("template problems", () => {
  it("finds bad syntax, empty and unclosed templates, with paths and sentences", () => {
    expect(problemsOf(line({ id: "t", type: "transform", config: { output: { ok: "{{ input.a }}", bad: ["x", "{{ input.( }}"], empty: "{{ }}", open: "{{ " } } }))).toEqual([
      { path: "nodes.1.config.output.bad.1", message: expect.stringMatching(/^The template \{\{ input\.\( \}\} cannot be read: /) },
      { path: "nodes.1.config.output.empty", message: "This {{ }} is empty; write an expression between the braces, or remove them." },
      { path: "nodes.1.config.output.open", message: "A {{ is never closed: end the template with }}." },
    ]);
  });

  it("refuses a reference to a step that does not exist or does not run first", () => {
    const def = line({ id: "a", type: "transform", config: { output: "{{ steps.nope.output }} {{ steps.b.output }} {{ steps.a.outputs }}" } }, { id: "b", type: "transform", config: { output: 1 } });
    expect(problemsOf(def).map((p) => p.message)).toEqual([
      "There is no step with the id “nope” for steps.nope to read; check the id.",
      "This reads steps.b, the output of “b”, which does not run before this step; connect “b” earlier, or use another step's output.",
      "This reads steps.a, the output of “a”, which does not run before this step; connect “a” earlier, or use another step's output.",
    ]);
  });

  it("warns about a field a step's output does not have, where its shape is known", () => {
    const def = line(
      { id: "fetch", type: "http", config: { url: "https://api.example" } },
      { id: "use", type: "transform", config: { output: { status: "{{ steps.fetch.output.status }}", oops: "{{ steps.fetch.output.bdy }}", free: "{{ steps.fetch.output.body.anything }}", raw: "{{ steps.fetch.outputs }}" } } },
    );
    expect(problemsOf(def)).toEqual([
      { path: "nodes.2.config.output.oops", message: "This reads steps.fetch.output.bdy, but the output of “fetch” has only “status”, “headers” or “body”.", severity: "warning" },
      { path: "nodes.2.config.output.raw", message: "A step's data is under steps.fetch.output; there is nothing else under steps.fetch." },
    ]);
  });

  it("reads paths only from the top of the context, not inside filters or functions", () => {
    const def = line({ id: "t", type: "transform", config: { output: "{{ input.items[steps > 1] }} {{ $map(input.x, function($v) { steps.zz }) }}" } });
    expect(problemsOf(def)).toEqual([]);
  });

  it("checks a condition's bare expression the same way", () => {
    const def = line({ id: "c", type: "condition", config: { expression: "steps.ghost.output.ok" } });
    def.edges.push({ id: "x", source: "c", target: "c2" } as never);
    expect(validateDefinition(def).problems.map((p) => p.message)).toContain("There is no step with the id “ghost” for steps.ghost to read; check the id.");
  });

  it("says where a bare expression cannot be read, once, and reads one in braces as a template", () => {
    expect(problemsOf(line({ id: "c", type: "condition", config: { expression: "input.(" } })).filter((p) => p.path.startsWith("nodes.1.config"))).toEqual([
      { path: "nodes.1.config.expression", message: expect.stringMatching(/^This expression cannot be read: /) },
    ]);
    expect(problemsOf(line({ id: "c", type: "condition", config: { expression: "{{ input.( }}" } })).filter((p) => p.path.startsWith("nodes.1.config"))).toEqual([
      { path: "nodes.1.config.expression", message: expect.stringMatching(/^The template \{\{ input\.\( \}\} cannot be read: /) },
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

describe("which fields the editor previews", () => {
  it("previews fields holding templates and a condition's bare expression, nothing else", () => {
    expect(previewFields("http", { url: "https://x/{{ input.id }}", method: "GET", body: { a: ["{{ 1 }}"] } })).toEqual({ url: { value: "https://x/{{ input.id }}" }, body: { value: { a: ["{{ 1 }}"] } } });
    expect(previewFields("condition", { expression: "input.n > 1" })).toEqual({ expression: { value: "input.n > 1", expression: true } });
    expect(previewFields("condition", { expression: "{{ input.ok }}" })).toEqual({ expression: { value: "{{ input.ok }}" } });
    expect(previewFields("transform", { output: "plain" })).toEqual({});
    expect(previewText("x".repeat(400)).length).toBe(300);
    expect(previewText(undefined)).toBe("nothing");
  });
});
