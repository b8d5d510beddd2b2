// A feature flag's definition and its evaluation: a boolean or a multi-variant flag, targeting
// rules on a context's attributes (`{ userId, country, plan }`) tried in order, and what is
// served when none matches. What a rule or the default serves is one value or a sticky
// percentage rollout (bucket.ts). Off (the kill switch) serves the off value to everyone.
// Pure and browser-safe: the flag page's test panel, `$flag()` in templates (evaluated in the
// expression processes) and a condition's flag mode all run this code.
import { z } from "zod";
import { comparable, ConditionError, matches, parseCondition, type Condition } from "../rules/conditions.ts";
import { bucketOf, variantOf } from "./bucket.ts";

export const FLAG_KEY = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "A key is lowercase letters, digits and -, starting with a letter (at most 63), e.g. new-pricing.");

const ATTRIBUTE = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "An attribute is an identifier: letters, digits and _, e.g. country.");

export const flagValue = z.union([z.boolean(), z.string().min(1).max(100)]);
export type FlagValue = z.infer<typeof flagValue>;

const serve = z.union([
  z.strictObject({ value: flagValue }),
  z.strictObject({
    /** Shares of the context keys, in percent (hundredths count), summing to 100. */
    rollout: z.array(z.strictObject({ value: flagValue, weight: z.number().min(0).max(100) })).min(1).max(20),
  }),
]);
export type Serve = z.infer<typeof serve>;

export const flagDefinitionSchema = z.strictObject({
  kind: z.enum(["boolean", "variant"]),
  /** The kill switch: off serves `offValue` everywhere, whatever the rules say. */
  enabled: z.boolean(),
  /** A variant flag's values; a boolean flag's are true and false. */
  variants: z.array(z.string().min(1).max(100)).max(20).default([]),
  offValue: flagValue,
  /** The context attribute a rollout buckets by: one customer, one answer. */
  bucketBy: ATTRIBUTE.default("userId"),
  rules: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(64),
        description: z.string().max(500).default(""),
        /** All must hold. A test is written as in a decision table: `in ["EU", "UK"]`, `> 100`. */
        conditions: z.array(z.strictObject({ attribute: ATTRIBUTE, type: z.enum(["string", "number", "boolean", "date"]), test: z.string().min(1).max(2_000) })).max(20),
        serve,
      }),
    )
    .max(100),
  /** Served when no rule matches. */
  fallthrough: serve,
});
export type FlagDefinition = z.infer<typeof flagDefinitionSchema>;

export const newFlagDefinition = (kind: "boolean" | "variant" = "boolean", variants: string[] = []): FlagDefinition => ({
  kind,
  enabled: true,
  variants: kind === "variant" ? variants : [],
  offValue: kind === "variant" ? variants[0] ?? "off" : false,
  bucketBy: "userId",
  rules: [],
  fallthrough: { value: kind === "variant" ? variants[0] ?? "off" : false },
});

export interface FlagProblem {
  path: string;
  message: string;
}

export const flagValues = (d: Pick<FlagDefinition, "kind" | "variants">): FlagValue[] => (d.kind === "boolean" ? [true, false] : d.variants);

/** What is wrong with a definition that has the right shape: values that are not the flag's,
 * weights that do not sum to 100, tests that do not read. Expression tests are refused: a flag
 * is decided in microseconds, wherever it is asked. */
export function flagProblems(d: FlagDefinition): FlagProblem[] {
  const problems: FlagProblem[] = [];
  const values = flagValues(d);
  if (d.kind === "variant" && d.variants.length < 2) problems.push({ path: "variants", message: "A variant flag has at least two variants." });
  if (new Set(d.variants).size !== d.variants.length) problems.push({ path: "variants", message: "Each variant once." });
  const known = (v: FlagValue, path: string) => {
    if (!values.includes(v)) problems.push({ path, message: `${JSON.stringify(v)} is not one of this flag's values (${values.map((x) => JSON.stringify(x)).join(", ")}).` });
  };
  const checkServe = (s: Serve, path: string) => {
    if ("value" in s) return known(s.value, `${path}.value`);
    s.rollout.forEach((share, i) => known(share.value, `${path}.rollout.${i}.value`));
    const total = s.rollout.reduce((sum, share) => sum + Math.round(share.weight * 100), 0);
    if (total !== 10_000) problems.push({ path: `${path}.rollout`, message: `The shares add up to ${total / 100} %; they must add up to 100 %.` });
  };
  known(d.offValue, "offValue");
  const ids = new Set<string>();
  d.rules.forEach((rule, r) => {
    if (ids.has(rule.id)) problems.push({ path: `rules.${r}.id`, message: `Another rule has the id ${rule.id}.` });
    ids.add(rule.id);
    rule.conditions.forEach((c, i) => {
      const path = `rules.${r}.conditions.${i}.test`;
      try {
        if (parseCondition(c.test, c.type).kind === "expression") problems.push({ path, message: "Flags take comparisons and lists, not expressions." });
      } catch (error) {
        if (!(error instanceof ConditionError)) throw error;
        problems.push({ path, message: error.message });
      }
    });
    checkServe(rule.serve, `rules.${r}.serve`);
  });
  checkServe(d.fallthrough, "fallthrough");
  return problems;
}

/** A flag as evaluation takes it: a published version of it. */
export interface FlagSnapshot {
  key: string;
  version: number;
  definition: FlagDefinition;
}

export interface FlagEvaluation {
  flag: string;
  version: number;
  value: FlagValue;
  /** off: the kill switch; rule: rule `rule` matched; default: no rule did; no_key: a rollout
   * needed the `bucketBy` attribute and the context had none (the off value is served). */
  reason: "off" | "rule" | "default" | "no_key";
  /** The matching rule's number (from 1) and id. */
  rule?: number;
  ruleId?: string;
  /** When a rollout chose: the key it bucketed by and its bucket (0 … 9,999). */
  bucket?: number;
}

const parsed = new WeakMap<FlagDefinition, Condition[][]>();
const conditionsOf = (d: FlagDefinition) => {
  let conditions = parsed.get(d);
  if (!conditions) {
    conditions = d.rules.map((rule) => rule.conditions.map((c) => parseCondition(c.test, c.type)));
    parsed.set(d, conditions);
  }
  return conditions;
};

/** The flag's answer for a context, and why. */
export function evaluateFlag(flag: FlagSnapshot, context: Record<string, unknown>): FlagEvaluation {
  const d = flag.definition;
  const base = { flag: flag.key, version: flag.version };
  if (!d.enabled) return { ...base, value: d.offValue, reason: "off" };
  const conditions = conditionsOf(d);
  const served = (s: Serve, found: Omit<FlagEvaluation, "value" | "flag" | "version">): FlagEvaluation => {
    if ("value" in s) return { ...base, ...found, value: s.value };
    const key = context[d.bucketBy];
    if (key === undefined || key === null || key === "") return { ...base, ...found, value: d.offValue, reason: "no_key" };
    const bucketKey = typeof key === "string" ? key : JSON.stringify(key);
    return { ...base, ...found, value: variantOf(flag.key, bucketKey, s.rollout) ?? d.offValue, bucket: bucketOf(flag.key, bucketKey) };
  };
  for (const [r, rule] of d.rules.entries()) {
    const hit = rule.conditions.every((c, i) => matches(conditions[r][i], comparable(context[c.attribute], c.type)));
    if (hit) return served(rule.serve, { reason: "rule", rule: r + 1, ruleId: rule.id });
  }
  return served(d.fallthrough, { reason: "default" });
}

/** One line a person reads: "new-pricing v3 → true (rule 1, bucket 1234)". */
export function describeEvaluation(e: FlagEvaluation): string {
  const why = e.reason === "off" ? "off" : e.reason === "no_key" ? "no key to bucket by" : e.reason === "rule" ? `rule ${e.rule}` : "default";
  return `${e.flag} v${e.version} → ${JSON.stringify(e.value)} (${why}${e.bucket !== undefined ? `, bucket ${e.bucket}` : ""})`;
}
