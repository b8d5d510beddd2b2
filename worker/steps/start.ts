import { definitions } from "#lib/steps/index.ts";
import { defineExecutor } from "./types.ts";

/** The engine completes entry steps itself when a run begins; this covers a replayed start. */
export const start = defineExecutor(definitions.start, async (_config, ctx) => ({ output: ctx.context.input ?? null }));
