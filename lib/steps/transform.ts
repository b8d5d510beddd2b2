import { z } from "zod";
import { defineStep, jsonValue } from "./types.ts";

export const transform = defineStep({
  type: "transform",
  label: "Transform",
  description: "Builds a value from the run input and earlier outputs with {{ templates }}.",
  icon: "shuffle",
  category: "data",
  config: z.strictObject({
    output: jsonValue.meta({ title: "Output", description: "Any JSON; strings may hold {{ templates }}." }),
  }),
  defaultConfig: { output: {} },
  outputs: ["default"],
  acceptsInput: true,
  // A literal object's keys; a template decides its own shape.
  outputFields: (config) => (config.output && typeof config.output === "object" && !Array.isArray(config.output) ? Object.keys(config.output) : undefined),
  pure: true,
});
