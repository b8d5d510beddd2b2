// The message catalogue: every sentence a person reads about their input.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { definitionMessages, problemLine, zodMessage } from "../../lib/messages.ts";
import { stepDefinition } from "../../lib/steps/index.ts";
import { validateDefinition } from "../../lib/workflow/validate.ts";

const sentence = /^[A-Z“{].*[.)]$/s;
const messagesOf = (schema: z.ZodType, value: unknown) => (schema.safeParse(value).error?.issues ?? []).map((i) => i.message);

describe("zod's checks, in sentences", () => {
  it("say what to enter instead of what went wrong", () => {
    expect(messagesOf(z.object({ n: z.number().min(0) }), { n: -1 })).toEqual(["Enter a number of at least 0."]);
    expect(messagesOf(z.object({ n: z.number().max(10) }), { n: 11 })).toEqual(["Enter a number of at most 10."]);
    expect(messagesOf(z.object({ n: z.number() }), {})).toEqual(["Enter a value; this is required."]);
    expect(messagesOf(z.object({ n: z.number() }), { n: "x" })).toEqual(["Enter a number."]);
    expect(messagesOf(z.object({ s: z.string().max(3) }), { s: "long" })).toEqual(["Keep it to 3 characters or fewer."]);
    expect(messagesOf(z.object({ e: z.email() }), { e: "nope" })).toEqual(["Enter an email address, such as ada@example.com."]);
    expect(messagesOf(z.object({ m: z.enum(["GET", "POST"]) }), { m: "PUT" })).toEqual(["Choose “GET” or “POST”."]);
    expect(messagesOf(z.strictObject({}), { colour: "red" })).toEqual(["Remove “colour”: it is not a known field."]);
  });

  it("are complete sentences for every issue code they cover", () => {
    for (const issue of [
      { code: "invalid_type", expected: "string", input: 1 },
      { code: "too_small", origin: "array", minimum: 2, input: [] },
      { code: "too_big", origin: "number", maximum: 5, input: 6 },
      { code: "invalid_format", format: "url", input: "x" },
      { code: "not_multiple_of", divisor: 5, input: 3 },
    ]) {
      expect(zodMessage(issue as never)).toMatch(sentence);
    }
  });
});

describe("the definition's sentences", () => {
  it("are sentences about the person's thing", () => {
    const samples = [
      definitionMessages.unreachable("“Charge card”"),
      definitionMessages.cycle("“a” → “b” → “a”"),
      definitionMessages.noStart(),
      definitionMessages.unknownStepType("teleport", ["start", "http"]),
      definitionMessages.unclosedTemplate(),
      definitionMessages.notBefore("b", "“b”"),
      definitionMessages.tooLong(160_000, 100_000),
    ];
    for (const m of samples) expect(m).toMatch(sentence);
    expect(definitionMessages.unreachable("“Charge card”")).toBe("“Charge card” cannot be reached from Start; connect it after another step.");
  });

  it("name the step in a workflow-wide list, once", () => {
    const names = new Map([["pay", "Charge card"]]);
    expect(problemLine({ nodeId: "pay", message: "Enter a URL." }, names)).toBe("“Charge card”: Enter a URL.");
    expect(problemLine({ nodeId: "pay", message: definitionMessages.unreachable("“Charge card”") }, names)).toBe("“Charge card” cannot be reached from Start; connect it after another step.");
    expect(problemLine({ message: "Add a Start step: every workflow begins with exactly one." }, names)).toBe("Add a Start step: every workflow begins with exactly one.");
  });

  it("leave no field fragment or internal path in what the validator says", () => {
    const http = stepDefinition("http")!;
    const bad = validateDefinition({
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
        { id: "call", type: "http", name: "Call API", position: { x: 300, y: 0 }, config: { ...(http.defaultConfig as object), url: "example.com", timeoutMs: -1 } },
        { id: "lost", type: "transform", position: { x: 600, y: 0 }, config: { output: 1 } },
      ],
      edges: [{ id: "e1", source: "start", target: "call" }],
    });
    const messages = bad.problems.map((p) => p.message);
    expect(messages).toEqual([
      "Enter a URL that starts with http:// or https://, a path on Baton such as /api/v1/health, or a {{ template }}.",
      expect.stringMatching(/^Enter a (number of at least 1|value of the expected kind)\.$/),
      "“lost” cannot be reached from Start; connect it after another step.",
    ]);
    for (const m of messages) {
      expect(m).toMatch(sentence);
      expect(m).not.toMatch(/nodes\.\d|config\./);
    }
  });
});
