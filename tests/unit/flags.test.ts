// Feature flag definitions: their problems by path, evaluation order (off, rules, default),
// sticky rollouts through rules, and the config cache that workers read flags through.
import { describe, expect, it } from "vitest";
import { evaluateFlag, flagDefinitionSchema, flagProblems, type FlagDefinition } from "../../lib/flags/definition.ts";
import { ConfigCache } from "../../lib/config/cache.ts";
import { flagsAsked, referencedFlags } from "../../lib/workflow/templates.ts";

const plan = (over: Partial<FlagDefinition> = {}): FlagDefinition =>
  flagDefinitionSchema.parse({
    kind: "variant",
    enabled: true,
    variants: ["basic", "pro", "beta"],
    offValue: "basic",
    bucketBy: "accountId",
    rules: [
      { id: "staff", conditions: [{ attribute: "email", type: "string", test: 'in ["a@x.io", "b@x.io"]' }], serve: { value: "beta" } },
      { id: "big", conditions: [{ attribute: "seats", type: "number", test: ">= 50" }, { attribute: "country", type: "string", test: "!= US" }], serve: { rollout: [{ value: "pro", weight: 50 }, { value: "basic", weight: 50 }] } },
    ],
    fallthrough: { value: "basic" },
    ...over,
  });

describe("flag definitions", () => {
  it("names each problem by path", () => {
    const d = plan({ offValue: "gold", rules: [{ id: "x", description: "", conditions: [{ attribute: "seats", type: "number", test: "between 9 and 1" }], serve: { rollout: [{ value: "pro", weight: 60 }, { value: "free", weight: 30 }] } }, { id: "x", description: "", conditions: [{ attribute: "a", type: "string", test: "{{ a = 1 }}" }], serve: { value: "pro" } }] });
    expect(flagProblems(d)).toEqual([
      { path: "offValue", message: '"gold" is not one of this flag\'s values ("basic", "pro", "beta").' },
      { path: "rules.0.conditions.0.test", message: "between 9 and 1: the first bound is above the second." },
      { path: "rules.0.serve.rollout.1.value", message: '"free" is not one of this flag\'s values ("basic", "pro", "beta").' },
      { path: "rules.0.serve.rollout", message: "The shares add up to 90 %; they must add up to 100 %." },
      { path: "rules.1.id", message: "Another rule has the id x." },
      { path: "rules.1.conditions.0.test", message: "Flags take comparisons and lists, not expressions." },
    ]);
    expect(flagProblems(plan({ variants: ["only"], offValue: "only", rules: [], fallthrough: { value: "only" } }))).toEqual([{ path: "variants", message: "A variant flag has at least two variants." }]);
    expect(flagProblems(plan())).toEqual([]);
  });

  it("tries the kill switch, then the rules in order (all conditions), then the default", () => {
    const flag = { key: "plan", version: 4, definition: plan() };
    expect(evaluateFlag(flag, { email: "a@x.io", seats: 80, country: "DE" })).toEqual({ flag: "plan", version: 4, value: "beta", reason: "rule", rule: 1, ruleId: "staff" });
    expect(evaluateFlag(flag, { seats: 80, country: "US", accountId: "a1" })).toEqual({ flag: "plan", version: 4, value: "basic", reason: "default" });
    expect(evaluateFlag(flag, { seats: "80", country: "DE", accountId: "a1" })).toMatchObject({ reason: "default" });
    expect(evaluateFlag(flag, { seats: 80, country: "DE" })).toMatchObject({ value: "basic", reason: "no_key", rule: 2 });
    expect(evaluateFlag({ ...flag, definition: plan({ enabled: false }) }, { email: "a@x.io" })).toEqual({ flag: "plan", version: 4, value: "basic", reason: "off" });
  });

  it("splits a rule's rollout by the bucketing key, stickily, about as weighted", () => {
    const flag = { key: "plan", version: 1, definition: plan() };
    const answers = Array.from({ length: 20_000 }, (_, i) => evaluateFlag(flag, { seats: 60, country: "FR", accountId: `acct-${i}` }));
    const pro = answers.filter((a) => a.value === "pro").length / answers.length;
    expect(pro).toBeGreaterThan(0.48);
    expect(pro).toBeLessThan(0.52);
    expect(answers.every((a) => a.bucket !== undefined && (a.value === "pro") === a.bucket < 5000)).toBe(true);
    // Numeric keys bucket like their text.
    expect(evaluateFlag(flag, { seats: 60, country: "FR", accountId: 7 }).bucket).toBe(evaluateFlag(flag, { seats: 60, country: "FR", accountId: "7" }).bucket);
  });

  it("finds the flags templates and expressions ask by key", () => {
    expect(referencedFlags({ a: '{{ $flag("new-pricing", {}) }}', b: ["x {{ $flag( 'plan' , { \"u\": 1 }) }} {{ $flag(\"new-pricing\") }}"] })).toEqual(["new-pricing", "plan"]);
    expect(flagsAsked(['$flag("a-b", {}) and $flag(key)'])).toEqual(["a-b"]);
  });
});

describe("config cache", () => {
  it("keeps entries only while listening, and drops one when it changes, even mid-load", async () => {
    const cache = new ConfigCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("flag:a", load)).toBe(1);
    expect(await cache.get("flag:a", load)).toBe(2); // not listening: nothing kept
    cache.listening(true);
    expect(await cache.get("flag:a", load)).toBe(3);
    expect(await cache.get("flag:a", load)).toBe(3);
    cache.invalidate("flag:a");
    expect(await cache.get("flag:a", load)).toBe(4);
    // A change committed while a load is in flight: that load's (older) answer is not kept.
    let release!: () => void;
    const slow = cache.get("flag:b", () => new Promise<number>((r) => (release = () => r(100))));
    cache.invalidate("flag:b");
    release();
    expect(await slow).toBe(100);
    expect(await cache.get("flag:b", load)).toBe(5);
    cache.listening(false);
    expect(await cache.get("flag:a", load)).toBe(6);
  });
});
