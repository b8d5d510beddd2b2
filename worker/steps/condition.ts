import { definitions } from "#lib/steps/index.ts";
import { defineExecutor } from "./types.ts";

/** Truthy as in JSONata: an empty array, "", 0, false and null take the false branch. */
export const condition = defineExecutor(definitions.condition, async (config, ctx) => {
  const value = await ctx.evaluate(config.expression, "expression");
  const result = Boolean(value) && !(Array.isArray(value) && value.length === 0);
  ctx.log("info", `${config.expression} → ${JSON.stringify(value ?? null)} (${result})`);
  return { output: { result, value: value ?? null }, branch: result ? "true" : "false" };
});
