import { definitions } from "#lib/steps/index.ts";
import { parseDuration } from "#lib/duration.ts";
import { recordEventWait } from "#lib/events/dispatch.ts";
import { defineExecutor } from "./types.ts";

/** Waits (no worker held) for a matching event: the wait and its match key are written together,
 * and a worker checks them against events already received (dispatch.ts). */
export const wait_for_event = defineExecutor(definitions.wait_for_event, async (config) => {
  const now = Date.now();
  const waitingFor = { type: config.eventType, path: config.path, value: config.value };
  return {
    wait: {
      kind: "event",
      ...(config.timeout ? { until: new Date(now + parseDuration(config.timeout)), expire: "timeout" } : {}),
      output: { waitingFor },
      record: (tx, w) =>
        recordEventWait(tx, { runId: w.runId, stepRunId: w.stepRunId, attempt: w.attempt, eventType: config.eventType, path: config.path, key: config.value, since: new Date(now - (config.lookBack ? parseDuration(config.lookBack) : 0)) }),
    },
  };
});
