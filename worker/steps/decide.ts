import { definitions } from "#lib/steps/index.ts";
import { NonRetryableError } from "#lib/engine/errors.ts";
import { pool } from "#lib/db.ts";
import { decide as evaluate, DecisionError } from "#lib/rules/decision-table.ts";
import { loadRuleSetVersion, poolCells } from "#lib/rules/rule-sets.ts";
import { defineExecutor } from "./types.ts";

/** The rule set's active version (or the pinned one) is read at each attempt, so a version
 * published under Rules is used by the next step that decides, in every worker at once; the
 * output says which version and rows decided, so any past decision can be explained. */
export const decide = defineExecutor(definitions.decide, async (config, ctx) => {
  const loaded = await loadRuleSetVersion(pool(), config.ruleSet, config.version);
  if (!loaded) {
    throw new NonRetryableError(config.version ? `rule set ${config.ruleSet} has no version ${config.version}` : `rule set ${config.ruleSet} does not exist or has no published version`, { code: "config" });
  }
  const inputs = config.inputs && typeof config.inputs === "object" && !Array.isArray(config.inputs) ? (config.inputs as Record<string, unknown>) : {};
  try {
    const decision = await evaluate(loaded.compiled, inputs, poolCells(ctx.signal));
    // The rows by id (stable across edits) and by their number in this version (what a person reads).
    const rows = decision.matched.map((id) => loaded.compiled.table.rows.findIndex((r) => r.id === id) + 1);
    return { output: { result: decision.result, matched: decision.matched, rows, ruleSet: config.ruleSet, version: loaded.number } };
  } catch (error) {
    if (error instanceof DecisionError) throw new NonRetryableError(`${config.ruleSet} v${loaded.number}: ${error.message}`, { code: "decision" });
    throw error;
  }
});
