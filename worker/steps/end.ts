import type { Executor } from "./types.ts";

export const end: Executor<{ output?: unknown }> = async (config) => ({ output: config.output ?? null });
