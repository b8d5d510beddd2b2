import { z } from "zod";
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
      // JSONata as it is (the validator checks it as one, the editor previews it evaluated); with
      // braces it is a template like any other.
      .meta({ title: "Expression", description: "JSONata over { input, steps, run }, e.g. input.amount > 100.", widget: "code", expression: true }),
  }),
  defaultConfig: { expression: "true" },
  outputs: ["true", "false"],
  acceptsInput: true,
  outputFields: () => ["result", "value"],
  pure: true,
});
