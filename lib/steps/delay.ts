import { z } from "zod";
import { defineStep, templatable } from "./types.ts";

export const delay = defineStep({
  type: "delay",
  label: "Delay",
  description: "Waits for a duration or until a time. The wait holds no worker.",
  icon: "clock",
  category: "flow",
  config: z.strictObject({
    durationMs: templatable(z.int().min(0).max(366 * 86_400_000)).optional().meta({ title: "Duration (ms)" }),
    until: templatable(z.iso.datetime({ offset: true })).optional().meta({ title: "Until", description: "An ISO 8601 time, e.g. 2030-01-01T09:00:00Z." }),
  }),
  defaultConfig: { durationMs: 1000 },
  outputs: ["default"],
  acceptsInput: true,
  waits: ["timer"],
  outputFields: () => ["until"],
  validate(config) {
    const given = [config.durationMs, config.until].filter((v) => v !== undefined).length;
    return given === 1 ? [] : [{ path: "durationMs", message: given === 0 ? "Enter how long to wait, or a time to wait until." : "Give either how long to wait or a time to wait until, not both." }];
  },
});
