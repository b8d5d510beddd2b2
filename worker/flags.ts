// Flags a step asks (in its templates, its condition, or a condition's flag mode): loaded
// through the config cache only when named, and each answer logged on the step (the value, the
// flag's version and why), so any past decision can be explained; runs' answers are counted for
// the flag's page.
import type pg from "pg";
import type { ExpressionPool } from "#lib/expressions/pool.ts";
import { NonRetryableError } from "#lib/engine/errors.ts";
import { countEvaluations } from "#lib/flags/counts.ts";
import { describeEvaluation, evaluateFlag, type FlagEvaluation } from "#lib/flags/definition.ts";
import { loadFlags } from "#lib/flags/flags.ts";
import { flagsAsked, referencedFlags, type RunContext } from "#lib/workflow/templates.ts";
import type { StepRunContext } from "./steps/types.ts";

export function flagAwareEvaluation(pool: Pick<pg.Pool, "query">, expressions: ExpressionPool, signal: AbortSignal, log: StepRunContext["log"], count: boolean) {
  const record = (evaluations: FlagEvaluation[]) => {
    for (const e of evaluations) log("info", `flag ${describeEvaluation(e)}`, { flag: e });
    if (count) countEvaluations(evaluations);
  };
  return {
    resolve: async (value: unknown, context: RunContext) => {
      const keys = referencedFlags(value);
      if (!keys.length) return expressions.resolve(value, context, signal);
      const answer = await expressions.resolveWithFlags(value, { ...context, flags: await loadFlags(pool, keys) }, signal);
      record(answer.flags);
      return answer.value;
    },
    evaluate: async (expression: string, context: RunContext, path: string) => {
      const keys = flagsAsked([expression]);
      if (!keys.length) return expressions.evaluate(expression, context, path, signal);
      const answer = await expressions.evaluateWithFlags(expression, { ...context, flags: await loadFlags(pool, keys) }, path, signal);
      record(answer.flags);
      return answer.value;
    },
    flag: async (key: string, flagContext: Record<string, unknown>) => {
      const flag = (await loadFlags(pool, [key]))[key];
      if (!flag) throw new NonRetryableError(`no flag named ${key}: create it under Flags, or correct the key`, { code: "config" });
      const evaluation = evaluateFlag(flag, flagContext);
      record([evaluation]);
      return evaluation;
    },
  };
}
