import { z } from "zod";
import { expressionProblem } from "../workflow/templates.ts";
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
      .min(1, "Write the expression that decides the branch, such as input.amount > 100.")
      .meta({ title: "Expression", description: "JSONata over { input, steps, run }, e.g. input.amount > 100.", widget: "code" }),
  }),
  defaultConfig: { expression: "true" },
  outputs: ["true", "false"],
  acceptsInput: true,
  outputFields: () => ["result", "value"],
  pure: true,
  // With braces it is a template, which the validator checks like any other.
  validate(config) {
    const problem = config.expression.includes("{{") ? undefined : expressionProblem(config.expression);
    return problem ? [{ path: "expression", message: `This expression cannot be read: ${problem}` }] : [];
  },
});
