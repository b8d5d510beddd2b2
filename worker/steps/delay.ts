import { definitions } from "#lib/steps/index.ts";
import { defineExecutor } from "./types.ts";

/** Returns a wait: the engine parks the step and a timed job resumes it; no worker is held. */
export const delay = defineExecutor(definitions.delay, async (config) => {
  const until = config.until !== undefined ? new Date(config.until) : new Date(Date.now() + (config.durationMs ?? 0));
  if (until.getTime() <= Date.now()) return { output: { until: until.toISOString() } };
  return { wait: { until, output: { until: until.toISOString() } } };
});
