import { definitions } from "#lib/steps/index.ts";
import { defineExecutor } from "./types.ts";

/** The config's templates are resolved before this runs, so the output is ready. */
export const transform = defineExecutor(definitions.transform, async (config) => ({ output: config.output ?? null }));
