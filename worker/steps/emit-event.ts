import { definitions } from "#lib/steps/index.ts";
import { ApiError } from "#lib/api/errors.ts";
import { pool } from "#lib/db.ts";
import { NonRetryableError } from "#lib/engine/errors.ts";
import { publishEvent } from "#lib/events/publish.ts";
import { defineExecutor } from "./types.ts";

/** Publishes the event with the step's stable key as its id: a retry (or a crash after publishing)
 * finds it published and emits nothing more. */
export const emit_event = defineExecutor(definitions.emit_event, async (config, ctx) => {
  try {
    const published = await publishEvent(pool(), { type: config.eventType, id: ctx.stepKey, data: config.data as never, ...(config.correlationId ? { correlationId: config.correlationId } : {}) }, `run:${ctx.runId}:${ctx.nodeId}`);
    ctx.log("info", `${published.duplicate ? "already emitted" : "emitted"} ${published.type} ${published.id} (schema ${published.version})`);
    return { output: published };
  } catch (error) {
    // An unknown type or data that does not fit its schema: running again cannot fix it.
    if (error instanceof ApiError) throw new NonRetryableError(`${error.message}${(error.extra.errors as { path: string; message: string }[] | undefined)?.map((e) => ` ${e.path}: ${e.message}`).join(";") ?? ""}`, { code: "event_invalid" });
    throw error;
  }
});
