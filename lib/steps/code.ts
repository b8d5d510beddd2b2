import { z } from "zod";
import { defineStep } from "./types.ts";

export const code = defineStep({
  type: "code",
  label: "Code",
  description: "Runs JavaScript or TypeScript in a sandbox (no network, files or process) with input, steps and run; returns JSON.",
  icon: "code",
  category: "data",
  config: z.strictObject({
    language: z.enum(["javascript", "typescript"]).default("javascript").meta({ title: "Language", description: "TypeScript's types are removed before it runs (no enums or namespaces)." }),
    code: z
      .string()
      .min(1, "Write the script: return the step's output.")
      .max(100_000)
      .meta({ title: "Code", description: "The body of an async function of (input, steps, run, original): return a JSON value, or throw to fail. `await progress(percent, message)` shows how far it is on the run. `original` is set in a compensation: the step it undoes.", widget: "code", language: "javascript", raw: true }),
    timeoutMs: z.int().min(10).max(30_000).default(1000).meta({ title: "Time limit (ms)", description: "Stopped past this; the attempt fails, not retried." }),
    memoryMb: z.int().min(8).max(256).default(64).meta({ title: "Memory limit (MB)" }),
  }),
  defaultConfig: { language: "javascript", code: "// input, steps and run are plain data.\nreturn { greeting: `hello ${input.name ?? \"world\"}` };", timeoutMs: 1000, memoryMb: 64 },
  outputs: ["default"],
  acceptsInput: true,
});
