import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { eventStream, resumePosition } from "#lib/live/sse.ts";
import { runItemNodes } from "#lib/runs/queries.ts";

/** Server-Sent Events: every event of one run but its for-each items' own (their for-each's
 * progress stands for them; the events API has them all); `?after=0` starts from its first. */
export const GET = route(operations.runStream, async ({ request, params, query }) => {
  const runId = uuidParam(params.id, "Run");
  const exceptNodes = await runItemNodes(runId);
  return eventStream(request, { run: runId, ...(exceptNodes.length ? { exceptNodes } : {}) }, resumePosition(request, query.after));
});
