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
  pure: true,
});
