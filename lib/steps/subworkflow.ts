import { z } from "zod";
import { defineStep, jsonValue } from "./types.ts";

export const subworkflow = defineStep({
  type: "subworkflow",
  label: "Sub-workflow",
  description: "Runs another workflow (its active or a chosen version) with an input and takes its output, waiting for it without holding a worker. Its failure is this step's (retried per its policy) unless set to continue.",
  icon: "layers",
  category: "flow",
  config: z.strictObject({
    workflowId: z.uuid({ error: "Choose a workflow." }).meta({ title: "Workflow", description: "One with a version to run.", workflowRef: true }),
    version: z.int().min(1).optional().meta({ title: "Version", description: "A version number; its active version when empty." }),
    input: jsonValue.optional().meta({ title: "Input", description: "The child run's input, e.g. { \"orderId\": \"{{ input.orderId }}\" }." }),
    onFailure: z
      .enum(["fail", "continue"])
      .default("fail")
      .meta({ title: "When the child run fails", description: "fail (default): this step fails too, and is retried per its policy with a new child run; continue: it succeeds with the child's status and error." }),
  }),
  // No workflow: a new step is not ready until someone chooses what it runs.
  defaultConfig: { workflowId: "", input: {}, onFailure: "fail" },
  outputs: ["default"],
  acceptsInput: true,
  waits: ["child_run"],
  outputFields: () => ["childRunId", "status", "output", "error"],
});
