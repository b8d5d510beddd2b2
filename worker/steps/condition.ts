import { definitions } from "#lib/steps/index.ts";
import { defineExecutor } from "./types.ts";

/** Truthy as in JSONata: an empty array, "", 0, false and null take the false branch. In flag
 * mode, the flag's answer decides (true, or the variant named), and the output says why. */
export const condition = defineExecutor(definitions.condition, async (config, ctx) => {
  if (config.mode === "flag") {
    const context = config.context && typeof config.context === "object" && !Array.isArray(config.context) ? (config.context as Record<string, unknown>) : {};
    const flag = await ctx.flag(config.flag!, context);
    const result = flag.value === (config.whenValue ?? true);
    return { output: { result, value: flag.value, flag }, branch: result ? "true" : "false" };
  }
  const value = await ctx.evaluate(config.expression!, "expression");
  const result = Boolean(value) && !(Array.isArray(value) && value.length === 0);
  ctx.log("info", `${config.expression} → ${JSON.stringify(value ?? null)} (${result})`);
  return { output: { result, value: value ?? null }, branch: result ? "true" : "false" };
});
