import type { Executor } from "./types.ts";

/** The config's templates are resolved before this runs, so the output is ready. */
export const transform: Executor<{ output: unknown }> = async (config) => ({ output: config.output ?? null });
