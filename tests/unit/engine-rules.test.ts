import { describe, expect, it } from "vitest";
import { backoffDelay, retryPolicy, DEFAULT_RETRY } from "../../lib/engine/retry.ts";
import { assertRun, assertStep, canStep, IllegalTransition, stepFrom } from "../../lib/engine/states.ts";
import { describeError, NonRetryableError, RetryAfterError } from "../../lib/engine/errors.ts";
import { definitions, entryStepType, eventTypeFields, expressionFields, isEntry, isExit, rawFields, stepDefinitions, workflowRefFields } from "../../lib/steps/index.ts";
import { stepIcons } from "../../lib/steps/icons.ts";
import { executors } from "../../worker/steps/index.ts";
import { canonicalJson } from "../../lib/engine/hash.ts";

describe("retry policy", () => {
  it("defaults to 3 attempts with exponential backoff and full jitter", () => {
    expect(retryPolicy()).toEqual(DEFAULT_RETRY);
    expect(DEFAULT_RETRY).toMatchObject({ maxAttempts: 3, jitter: "full" });
    expect(retryPolicy({ maxAttempts: 5 })).toMatchObject({ maxAttempts: 5, initialDelayMs: 1000 });
  });

  it("doubles the bound per attempt up to the cap", () => {
    const p = retryPolicy({ initialDelayMs: 100, multiplier: 2, maxDelayMs: 500, jitter: "none" });
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(p, n))).toEqual([100, 200, 400, 500, 500]);
  });

  it("draws a full-jitter delay between 0 and the bound", () => {
    const p = retryPolicy({ initialDelayMs: 1000, multiplier: 2, maxDelayMs: 60_000 });
    expect(backoffDelay(p, 3, () => 0)).toBe(0);
    expect(backoffDelay(p, 3, () => 0.5)).toBe(2000);
    expect(backoffDelay(p, 3, () => 0.999)).toBeLessThanOrEqual(4000);
  });
});

describe("state machines", () => {
  it("allow the documented transitions and throw on others", () => {
    expect(() => assertRun("queued", "running")).not.toThrow();
    expect(() => assertRun("failed", "compensating")).not.toThrow();
    expect(() => assertRun("succeeded", "running")).toThrow(IllegalTransition);
    expect(() => assertStep("running", "retry_scheduled")).not.toThrow();
    expect(() => assertStep("retry_scheduled", "queued")).not.toThrow();
    expect(() => assertStep("running", "waiting")).not.toThrow();
    expect(() => assertStep("succeeded", "queued")).toThrow(IllegalTransition);
    expect(canStep("skipped", "queued")).toBe(false);
  });

  it("give SQL the states a step may leave for a target", () => {
    expect(stepFrom("running")).toEqual(["queued", "retry_scheduled"]);
    expect(stepFrom("cancelled").sort()).toEqual(["pending", "queued", "retry_scheduled", "running", "waiting"].sort());
  });
});

describe("errors", () => {
  it("carry their retry meaning", () => {
    expect(describeError(new Error("boom"))).toMatchObject({ retryable: true, message: "boom" });
    expect(describeError(new NonRetryableError("bad input", { code: "x" }))).toMatchObject({ retryable: false, code: "x" });
    expect(describeError(new RetryAfterError("later", 5000))).toMatchObject({ retryable: true, retryAfterMs: 5000 });
    expect(describeError("a string")).toMatchObject({ retryable: true, message: "a string" });
  });
});

describe("step types", () => {
  it("each has a definition and an executor of the same name", () => {
    expect(Object.keys(executors).sort()).toEqual(Object.keys(stepDefinitions).sort());
    // A new step's config is valid but for what a person must decide (an HTTP step's URL; a
    // for-each's body, a workflow or a drawn step, is checked with the graph).
    const decide: Record<string, string[]> = { http: ["url"], subworkflow: ["workflowId"], decide: ["ruleSet"] };
    for (const [type, d] of Object.entries(stepDefinitions)) {
      expect(d.type).toBe(type);
      const parsed = d.config.safeParse(d.defaultConfig);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join(".")), type).toEqual(decide[type] ?? []);
    }
  });

  it("each executor is made from its own type's definition", () => {
    for (const [type, executor] of Object.entries(executors)) expect(executor.type, type).toBe(type);
    for (const [key, d] of Object.entries(definitions)) expect(d.type).toBe(key);
  });

  it("declare what the engine and the editor treat apart: one entry, exits, waits, expression fields, icons", () => {
    expect(entryStepType().type).toBe("start");
    expect(Object.values(stepDefinitions).filter((d) => d.entry).map((d) => d.type)).toEqual(["start"]);
    // Edges never lead into an entry; an exit ends its path.
    for (const d of Object.values(stepDefinitions)) {
      if (d.entry) expect(d.acceptsInput, d.type).toBe(false);
      if (d.exit) expect(d.outputs, d.type).toEqual([]);
      expect(stepIcons, d.type).toContain(d.icon);
    }
    expect([isEntry("start"), isEntry("end"), isEntry("nope")]).toEqual([true, false, false]);
    expect([isExit("end"), isExit("start"), isExit("nope")]).toEqual([true, false, false]);
    expect(Object.values(stepDefinitions).filter((d) => d.waits?.includes("timer")).map((d) => d.type)).toEqual(["delay"]);
    expect(Object.fromEntries(Object.values(stepDefinitions).map((d) => [d.type, expressionFields(d)]))).toEqual({
      start: [],
      http: [],
      transform: [],
      decide: [],
      condition: ["expression"],
      delay: [],
      approval: [],
      code: [],
      database: [],
      email: [],
      wait_for_event: [],
      emit_event: [],
      subworkflow: [],
      for_each: [],
      end: [],
    });
    // Taken as written, never as templates: a script's source.
    expect(Object.values(stepDefinitions).flatMap((d) => rawFields(d).map((f) => `${d.type}.${f}`))).toEqual(["code.code", "database.sql"]);
    expect(Object.values(stepDefinitions).filter((d) => d.waits?.includes("approval")).map((d) => d.type)).toEqual(["approval"]);
    expect(Object.values(stepDefinitions).filter((d) => d.waits?.includes("event")).map((d) => d.type)).toEqual(["wait_for_event"]);
    expect(Object.values(stepDefinitions).flatMap((d) => eventTypeFields(d).map((f) => `${d.type}.${f}`))).toEqual(["wait_for_event.eventType", "emit_event.eventType"]);
    expect(Object.values(stepDefinitions).flatMap((d) => workflowRefFields(d).map((f) => `${d.type}.${f}`))).toEqual(["subworkflow.workflowId", "for_each.workflowId"]);
    expect(Object.values(stepDefinitions).filter((d) => d.waits?.includes("child_run")).map((d) => d.type)).toEqual(["subworkflow"]);
    expect(Object.values(stepDefinitions).filter((d) => d.waits?.includes("items")).map((d) => d.type)).toEqual(["for_each"]);
    // Only an HTTP step names its dependency by itself (its host); Baton's own API is none.
    expect(Object.values(stepDefinitions).filter((d) => d.dependencyOf).map((d) => d.type)).toEqual(["http"]);
    expect([stepDefinitions.http.dependencyOf!({ url: "https://api.example.com:8443/x" }), stepDefinitions.http.dependencyOf!({ url: "/api/v1/health" })]).toEqual(["api.example.com:8443", undefined]);
  });
});

describe("canonical JSON", () => {
  it("ignores key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});

describe("seeded examples", () => {
  it("are valid workflows", async () => {
    const { examples } = await import("../../lib/db/examples.ts");
    const { validateDefinition } = await import("../../lib/workflow/validate.ts");
    for (const example of examples) expect(validateDefinition(example.definition).problems).toEqual([]);
  });
});
