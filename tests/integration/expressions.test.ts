// Expressions run in evaluator processes that can be stopped: the hostile templates of a
// workflow author fail their own evaluation with an error naming the limit, and never stall
// or crash the process that asked, nor the expressions of other runs.
import { afterAll, describe, expect, it } from "vitest";
import { ExpressionPool } from "../../lib/expressions/pool.ts";
import { ExpressionLimitError, TemplateError } from "../../lib/expressions/errors.ts";
import type { RunContext } from "../../lib/workflow/templates.ts";

const context: RunContext = {
  input: { n: 2, name: "Ada", tags: ["a", "b"] },
  steps: { fetch: { output: { body: { items: [1, 2, 3] } } } },
  run: { id: "r1", workflowId: "w1", attempt: 1 },
};

const pool = new ExpressionPool({ processes: 2, timeoutMs: 1000, memoryMb: 128, maxResultBytes: 1024 * 1024 });
afterAll(() => pool.close());

/** The error a promise fails with (and a failed assertion if it succeeds). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- errors of several classes, checked by the tests
const failure = (promise: Promise<unknown>): Promise<any> => promise.then((value) => expect.fail(`expected a failure, got ${JSON.stringify(value)}`), (error) => error);

/** Doubles a one-character string n times: 2^n characters. */
const doubling = (n: number) => `{{ ($d := function($x, $n) { $n = 0 ? $x : $d($x & $x, $n - 1) }; $length($d("a", ${n}))) }}`;

describe("resolving templates", () => {
  it("gives the raw value for a string that is one template", async () => {
    expect(await pool.resolve("{{ input.n * 2 }}", context)).toBe(4);
    expect(await pool.resolve("  {{ steps.fetch.output.body }} ", context)).toEqual({ items: [1, 2, 3] });
    expect(await pool.resolve("{{ input.tags }}", context)).toEqual(["a", "b"]);
    expect(await pool.resolve("{{ input.nothing }}", context)).toBeNull();
  });

  it("splices values into text, walking objects and arrays", async () => {
    expect(await pool.resolve("Hi {{ input.name }}, {{ $count(steps.fetch.output.body.items) }} items", context)).toBe("Hi Ada, 3 items");
    expect(await pool.resolve("tags: {{ input.tags }}; missing: [{{ input.nope }}]", context)).toBe('tags: ["a","b"]; missing: []');
    expect(await pool.resolve({ a: ["{{ run.id }}", 5, null, true], b: { c: "{{ input.n }}" } }, context)).toEqual({ a: ["r1", 5, null, true], b: { c: 2 } });
  });

  it("evaluates a bare expression, and undefined stays undefined", async () => {
    expect(await pool.evaluate("input.n > 1", context, "expression")).toBe(true);
    expect(await pool.evaluate("input.nothing", context, "expression")).toBeUndefined();
  });

  it("reports an evaluation error with its path, not retryable", async () => {
    const error = await failure(pool.resolve({ x: { y: "{{ $number('abc') }}" } }, context));
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.path).toBe("x.y");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^x\.y: \{\{ \$number\('abc'\) \}\}: /);
  });
});

describe("where expressions run", () => {
  it("evaluates bounded templates inline and the rest in an evaluator, with the same results", async () => {
    const before = pool.inline;
    expect(await pool.resolve({ a: "{{ input.n * 2 }}", b: "{{ steps.fetch.output.body.items[$ > 1] }}" }, context)).toEqual({ a: 4, b: [2, 3] });
    expect(pool.inline).toBe(before + 1);
    expect(await pool.resolve({ a: "{{ input.n * 2 }}", b: "{{ $count(steps.fetch.output.body.items) }}" }, context)).toEqual({ a: 4, b: 3 });
    expect(pool.inline).toBe(before + 1);
  });
});

describe("hostile expressions", () => {
  it("runs a catastrophic regular expression in linear time (RE2), without blocking anything", async () => {
    expect(await pool.resolve(`{{ $contains("${"a".repeat(5000)}!", /^(a+)+$/) }}`, context)).toBe(false);
  });

  it("stops an expression that loops past the time limit", async () => {
    const error = await failure(pool.resolve("{{ ($f := function($n) { $n = 0 ? 0 : $f($n - 1) + $f($n - 1) }; $f(40)) }}", context));
    expect(error).toBeInstanceOf(ExpressionLimitError);
    expect(error).toMatchObject({ limit: "time", retryable: false, code: "expression_limit" });
    expect(error.message).toContain("expression time limit");
  });

  it("kills an evaluator stuck in one long native call, and the next expression runs on a fresh one", async () => {
    const before = pool.replaced;
    const error = await failure(pool.resolve('{{ $length($replace($pad("", 30000000, "a"), /a/, "bb")) }}', context));
    expect(error).toMatchObject({ name: "ExpressionLimitError", limit: expect.stringMatching(/time|memory/) });
    // Stuck past the time limit, the evaluator is killed and replaced. (Out of memory first, which
    // a busy machine's timing can make happen, it reports the error itself and lives on.)
    if (error.limit === "time") expect(pool.replaced).toBeGreaterThan(before);
    expect(await pool.resolve("{{ 1 + 1 }}", context)).toBe(2);
  });

  it("confines a template that doubles a string 27 times to its own process", async () => {
    // A long time limit, so that on a busy machine the heap runs out first.
    const roomy = new ExpressionPool({ processes: 1, timeoutMs: 30_000, memoryMb: 128, maxResultBytes: 1024 * 1024 });
    try {
      const error = await failure(roomy.resolve(doubling(27), context));
      expect(error).toBeInstanceOf(ExpressionLimitError);
      expect(error.limit).toBe("memory");
      expect(error.message).toContain("128 MB");
      // This process is still here to say so, and evaluates on.
      expect(await roomy.resolve("{{ $uppercase(input.name) }}", context)).toBe("ADA");
    } finally {
      await roomy.close();
    }
  });

  it("sends a constructor chain that doubles at each step to an evaluator, which stops it", async () => {
    const chain = `{"a": 1}${'.{"a": $, "b": $}'.repeat(30)}`;
    const before = pool.inline;
    const error = await failure(pool.resolve(`{{ (${chain}) = (${chain}) }}`, context));
    expect(error).toBeInstanceOf(ExpressionLimitError);
    expect(pool.inline).toBe(before);
  });

  it("refuses a result over the size limit", async () => {
    const error = await failure(pool.resolve('{{ $pad("", 2000000, "x") }}', context));
    expect(error).toMatchObject({ name: "ExpressionLimitError", limit: "result" });
    expect(error.message).toContain("1,048,576");
  });

  it("keeps serving other expressions while one evaluator is stuck", async () => {
    const stuck = failure(pool.resolve('{{ $length($replace($pad("", 30000000, "a"), /a/, "bb")) }}', context));
    const answers = [];
    // Function calls: these go to an evaluator, not inline.
    for (let i = 0; i < 20; i++) answers.push(await pool.resolve(`{{ $sum([input.n, ${i}]) }}`, context));
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => 2 + i));
    expect(await stuck).toBeInstanceOf(ExpressionLimitError);
  });

  it("fails only the overrunning task of a batch: those before keep their results, those after run elsewhere", async () => {
    // One evaluator: asked for in one turn, the four travel as one batch.
    const single = new ExpressionPool({ processes: 1, timeoutMs: 1000, memoryMb: 256, maxResultBytes: 1024 * 1024 });
    try {
      const asked = [
        single.resolve("{{ $sum([1, 2]) }}", context),
        failure(single.resolve('{{ $length($replace($pad("", 30000000, "a"), /a/, "bb")) }}', context)),
        single.resolve("{{ $string(input.n) }}", context),
        single.resolve("{{ $uppercase(input.name) }}", context),
      ];
      const [first, stuck, third, fourth] = await Promise.all(asked);
      expect([first, third, fourth]).toEqual([3, "2", "ADA"]);
      expect(stuck).toBeInstanceOf(ExpressionLimitError);
      // The hostile task ends on the first limit it meets: its time (the evaluator is killed and
      // replaced) or, on a quick moment, the memory V8 refuses inside it (the evaluator answers
      // and lives on). Either way the others keep their results, which is the point here.
      expect(single.replaced).toBeLessThanOrEqual(1);
    } finally {
      await single.close();
    }
  });

  it("stops an evaluation when its step is aborted", async () => {
    const controller = new AbortController();
    const pending = failure(pool.resolve('{{ $length($replace($pad("", 30000000, "a"), /a/, "bb")) }}', context, controller.signal));
    setTimeout(() => controller.abort("cancelled"), 50);
    expect(await pending).toBe("cancelled");
  });
});
