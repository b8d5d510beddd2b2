import { z } from "zod";
import { compileInputSchema } from "../workflow/input-schema.ts";
import { defineStep } from "./types.ts";

export const start = defineStep({
  type: "start",
  label: "Start",
  description: "Where a run begins. Its output is the run input, checked against the input schema if you give one.",
  icon: "play",
  category: "flow",
  config: z.strictObject({
    inputSchema: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ title: "Input schema", description: "JSON Schema the run input must match; a run with other input is refused (422)." }),
    runTimeoutMs: z
      .int()
      .min(1000)
      .max(30 * 86_400_000)
      .optional()
      .meta({ title: "Run timeout (ms)", description: "A run still open after this long fails, and its open steps are cancelled." }),
    maxActiveRuns: z
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .meta({
        title: "Active runs at most",
        description: "At most this many runs of this workflow at once; more wait their turn (queued, in arrival order) and start as runs end.",
      }),
    compensationOrder: z
      .enum(["reverse", "parallel"])
      .optional()
      .meta({
        title: "Compensation order",
        description: "When a run fails, the steps it completed are undone by their compensations: reverse (default) one after another, latest completed first; parallel all at once.",
      }),
  }),
  defaultConfig: {},
  outputs: ["default"],
  acceptsInput: false,
  entry: true,
  // The run input: the properties its schema lists, when it lists them and allows no others.
  outputFields: (config) => {
    const schema = config.inputSchema as { properties?: Record<string, unknown>; additionalProperties?: unknown } | undefined;
    return schema?.properties && schema.additionalProperties === false ? Object.keys(schema.properties) : undefined;
  },
  validate(config) {
    if (!config.inputSchema) return [];
    try {
      compileInputSchema(config.inputSchema);
      return [];
    } catch (error) {
      return [{ path: "inputSchema", message: `is not a valid JSON Schema: ${(error as Error).message}` }];
    }
  },
});
