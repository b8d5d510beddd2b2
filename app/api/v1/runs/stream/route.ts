import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { eventStream, resumePosition } from "#lib/live/sse.ts";

/** Server-Sent Events: the run-level events of every run (status changes, dead letters). */
export const GET = route(operations.runsStream, async ({ request, query }) =>
  eventStream(request, { allRuns: true }, resumePosition(request, query.after)),
);
