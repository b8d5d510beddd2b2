import { definitions } from "#lib/steps/index.ts";
import { defineExecutor } from "./types.ts";

export const end = defineExecutor(definitions.end, async (config) => ({ output: config.output ?? null }));
