import { describe, expect, it } from "vitest";
import { checkTemplates, findTemplates, resolveTemplates, TemplateError, type RunContext } from "../../lib/workflow/templates.ts";

const context: RunContext = {
  input: { n: 2, name: "Ada", tags: ["a", "b"] },
  steps: { fetch: { output: { body: { items: [1, 2, 3] } } } },
  run: { id: "r1", workflowId: "w1", attempt: 1 },
};

describe("resolveTemplates", () => {
  it("gives the raw value for a string that is one template", async () => {
    expect(await resolveTemplates("{{ input.n * 2 }}", context)).toBe(4);
    expect(await resolveTemplates("  {{ steps.fetch.output.body }} ", context)).toEqual({ items: [1, 2, 3] });
    expect(await resolveTemplates("{{ input.tags }}", context)).toEqual(["a", "b"]);
  });

  it("splices values into text", async () => {
    expect(await resolveTemplates("Hi {{ input.name }}, {{ $count(steps.fetch.output.body.items) }} items", context)).toBe("Hi Ada, 3 items");
    expect(await resolveTemplates("tags: {{ input.tags }}; missing: [{{ input.nope }}]", context)).toBe('tags: ["a","b"]; missing: []');
  });

  it("walks objects and arrays and leaves other values alone", async () => {
    expect(await resolveTemplates({ a: ["{{ run.id }}", 5, null, true], b: { c: "{{ input.n }}" } }, context)).toEqual({ a: ["r1", 5, null, true], b: { c: 2 } });
  });

  it("turns a missing value into null", async () => {
    expect(await resolveTemplates("{{ input.nothing }}", context)).toBeNull();
  });

  it("reports an evaluation error with its path, and it is not retryable", async () => {
    const error = (await resolveTemplates({ x: { y: "{{ $number('abc') }}" } }, context).catch((e) => e)) as TemplateError;
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.path).toBe("x.y");
    expect(error.retryable).toBe(false);
  });

  it("stops an expression that runs too long", async () => {
    const error = (await resolveTemplates("{{ ($f := function($n) { $n = 0 ? 0 : $f($n - 1) + $f($n - 1) }; $f(40)) }}", context).catch((e) => e)) as TemplateError;
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.message).toMatch(/longer than 1 s|nests too deeply/);
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
});
