import { z } from "zod";
import { FLAG_KEY, flagValue } from "../flags/definition.ts";
import { defineStep, jsonValue } from "./types.ts";

const inFlagMode = { shownWhen: { mode: "flag" } };

export const condition = defineStep({
  type: "condition",
  label: "Condition",
  description: "Takes the true or false branch by a JSONata expression, or by a feature flag's answer; the other branch is skipped.",
  icon: "split",
  category: "flow",
  config: z.strictObject({
    mode: z.enum(["expression", "flag"]).default("expression").meta({ title: "Decide by", description: "An expression, or a feature flag (Flags) asked with a context." }),
    expression: z
      .string()
      .optional()
      // JSONata as it is (the validator checks it as one, the editor previews it evaluated); with
      // braces it is a template like any other.
      .meta({ title: "Expression", description: "JSONata over { input, steps, run }, e.g. input.amount > 100.", widget: "code", expression: true, shownWhen: { mode: "expression" } }),
    flag: FLAG_KEY.optional().meta({ title: "Flag", description: "The flag whose answer decides the branch.", flagRef: true, ...inFlagMode }),
    context: jsonValue
      .optional()
      .meta({ title: "Flag context", description: "What the flag's rules and rollout look at, e.g. { \"userId\": \"{{ input.userId }}\", \"country\": \"{{ input.country }}\" }.", ...inFlagMode }),
    whenValue: flagValue.optional().meta({ title: "True branch when it serves", description: "true for a boolean flag (the default); a variant's name for a variant flag.", ...inFlagMode }),
  }),
  defaultConfig: { expression: "true" },
  outputs: ["true", "false"],
  acceptsInput: true,
  outputFields: (config) => (config.mode === "flag" ? ["result", "value", "flag"] : ["result", "value"]),
  validate: (config) =>
    config.mode === "flag"
      ? config.flag
        ? []
        : [{ path: "flag", message: "Choose the flag that decides the branch." }]
      : config.expression?.trim()
        ? []
        : [{ path: "expression", message: "Write the expression that decides the branch, such as input.amount > 100." }],
  pure: true,
});
