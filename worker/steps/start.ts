import type { Executor } from "./types.ts";

/** The engine completes start steps itself when a run begins; this covers a replayed start. */
export const start: Executor = async (_config, ctx) => ({ output: ctx.context.input ?? null });
