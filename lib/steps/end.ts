import { z } from "zod";
import { defineStep, jsonValue } from "./types.ts";

export const end = defineStep({
  type: "end",
  label: "End",
  description: "Ends a path and sets the run output.",
  icon: "flag",
  category: "flow",
  config: z.strictObject({
    output: jsonValue.optional().meta({ title: "Run output", description: "Any JSON; strings may hold {{ templates }}." }),
  }),
  defaultConfig: {},
  outputs: [],
  acceptsInput: true,
  exit: true,
  pure: true,
});
