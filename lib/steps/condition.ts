import { z } from "zod";
import { checkTemplates, expressionProblem } from "../workflow/templates.ts";
import { defineStep } from "./types.ts";

export const condition = defineStep({
  type: "condition",
  label: "Condition",
  description: "Takes the true or false branch by a JSONata expression; the other branch is skipped.",
  icon: "split",
  category: "flow",
  config: z.strictObject({
    expression: z
      .string()
      .min(1, "is required")
      .meta({ title: "Expression", description: "JSONata over { input, steps, run }, e.g. input.amount > 100.", widget: "code" }),
  }),
  defaultConfig: { expression: "true" },
  outputs: ["true", "false"],
  acceptsInput: true,
  pure: true,
  validate(config) {
    if (config.expression.includes("{{")) return checkTemplates(config.expression, ["expression"]);
    const problem = expressionProblem(config.expression);
    return problem ? [{ path: "expression", message: `is not a valid JSONata expression: ${problem}` }] : [];
  },
});
