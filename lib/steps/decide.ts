import { z } from "zod";
import { RULE_SET_KEY } from "../rules/schemas.ts";
import { defineStep, jsonValue } from "./types.ts";

export const decide = defineStep({
  type: "decide",
  label: "Decide",
  description: "Evaluates a decision table (Rules) with inputs from {{ templates }}: its output is the table's answer and the rows that matched (ids and numbers), with the version used.",
  icon: "table",
  category: "data",
  config: z.strictObject({
    ruleSet: RULE_SET_KEY.meta({ title: "Rule set", description: "A decision table under Rules.", ruleSetRef: true }),
    version: z.int().min(1).optional().meta({ title: "Version", description: "Pin a published version; its active version when empty (a change published under Rules takes effect at once)." }),
    inputs: jsonValue.meta({ title: "Inputs", description: "The table's inputs by name, e.g. { \"total\": \"{{ input.total }}\", \"region\": \"{{ input.country }}\" }." }),
  }),
  defaultConfig: { ruleSet: "", inputs: {} },
  outputs: ["default"],
  acceptsInput: true,
  outputFields: () => ["result", "matched", "rows", "ruleSet", "version"],
  // Reads published (immutable) versions and evaluates: nothing outside Baton changes.
  pure: true,
});
