import { z } from "zod";
import { defineStep, jsonValue } from "./types.ts";

/** The most items one for-each step takes. */
export const MAX_FOR_EACH_ITEMS = 100_000;

export const forEach = defineStep({
  type: "for_each",
  label: "For each",
  description: "Runs a step (drawn from its \"each item\" handle) or a workflow once per item of a list, in chunks with a set parallelism, waiting without holding a worker; results in item order. Picks up after a crash from the first unfinished item.",
  icon: "repeat",
  category: "flow",
  config: z.strictObject({
    items: jsonValue.meta({ title: "Items", description: "A list, usually a {{ template }} such as {{ input.orders }}." }),
    // Empty when a step drawn on the "each item" edge runs per item (validate.ts: one of the two).
    workflowId: z
      .union([z.uuid({ error: "Choose a workflow, or leave this empty and draw the step to run from the \"each item\" handle." }), z.literal("")])
      .optional()
      .meta({ title: "Per item, run", description: "A workflow (its input is { item, index }), or none: draw a step from the \"each item\" handle, its templates read {{ item }} and {{ index }}.", workflowRef: true }),
    version: z.int().min(1).optional().meta({ title: "Version", description: "A version number; its active version when empty." }),
    chunkSize: z.int().min(1).max(10_000).default(100).meta({ title: "Chunk size", description: "Items started together; the next chunk starts when this one is done." }),
    parallelism: z.int().min(1).max(1_000).default(10).meta({ title: "At most at once", description: "Items running at the same time." }),
    onFailure: z
      .enum(["fail_fast", "continue", "threshold"])
      .default("fail_fast")
      .meta({ title: "When an item fails", description: "fail_fast: stop and fail; continue: finish all and report the failures; threshold: fail once more than the percentage below have failed." }),
    maxFailurePercent: z.number().min(0).max(100).default(10).meta({ title: "Failure threshold (%)", description: "With threshold: the step fails once more than this share of all items failed." }),
  }),
  // Not ready until someone chooses a workflow or draws a step to run per item.
  defaultConfig: { items: "{{ input.items }}", workflowId: "", chunkSize: 100, parallelism: 10, onFailure: "fail_fast", maxFailurePercent: 10 },
  outputs: ["default"],
  acceptsInput: true,
  waits: ["items"],
  itemBody: true,
  outputFields: () => ["total", "succeeded", "failed", "results", "errors"],
  keptInput: (config) => ({ ...config, items: Array.isArray(config.items) ? `(${config.items.length} items, kept one per row)` : config.items }),
  validate(config) {
    return typeof config.items === "string" || Array.isArray(config.items) ? [] : [{ path: "items", message: "Give a list, or a {{ template }} that gives one." }];
  },
});
