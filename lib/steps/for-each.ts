import { z } from "zod";
import { defineStep, jsonValue } from "./types.ts";

/** The most items one for-each step takes. */
export const MAX_FOR_EACH_ITEMS = 100_000;

export const forEach = defineStep({
  type: "for_each",
  label: "For each",
  description: "Runs a workflow once per item of a list, in chunks with a set parallelism, waiting without holding a worker; results in item order. Picks up after a crash from the first unfinished item.",
  icon: "repeat",
  category: "flow",
  config: z.strictObject({
    items: jsonValue.meta({ title: "Items", description: "A list, usually a {{ template }} such as {{ input.orders }}." }),
    workflowId: z.uuid({ error: "Choose the workflow to run per item." }).meta({ title: "Per item, run", description: "Its input is { item, index }.", workflowRef: true }),
    version: z.int().min(1).optional().meta({ title: "Version", description: "A version number; its active version when empty." }),
    chunkSize: z.int().min(1).max(10_000).default(100).meta({ title: "Chunk size", description: "Items started together; the next chunk starts when this one is done." }),
    parallelism: z.int().min(1).max(1_000).default(10).meta({ title: "At most at once", description: "Items running at the same time." }),
    onFailure: z
      .enum(["fail_fast", "continue", "threshold"])
      .default("fail_fast")
      .meta({ title: "When an item fails", description: "fail_fast: stop and fail; continue: finish all and report the failures; threshold: fail once more than the percentage below have failed." }),
    maxFailurePercent: z.number().min(0).max(100).default(10).meta({ title: "Failure threshold (%)", description: "With threshold: the step fails once more than this share of all items failed." }),
  }),
  // No workflow: not ready until someone chooses what runs per item.
  defaultConfig: { items: "{{ input.items }}", workflowId: "", chunkSize: 100, parallelism: 10, onFailure: "fail_fast", maxFailurePercent: 10 },
  outputs: ["default"],
  acceptsInput: true,
  waits: ["items"],
  outputFields: () => ["total", "succeeded", "failed", "results", "errors"],
  keptInput: (config) => ({ ...config, items: Array.isArray(config.items) ? `(${config.items.length} items, kept one per row)` : config.items }),
  validate(config) {
    return typeof config.items === "string" || Array.isArray(config.items) ? [] : [{ path: "items", message: "Give a list, or a {{ template }} that gives one." }];
  },
});
