import { z } from "zod";
import { route } from "#lib/api/route.ts";
import { positionParam } from "#lib/live/position.ts";
import { eventStream, resumePosition } from "#lib/live/sse.ts";

/** Server-Sent Events: the run-level events of every run (status changes, dead letters). */
export const GET = route({ permission: "read", query: z.strictObject({ after: positionParam.optional() }) }, async ({ request, query }) =>
  eventStream(request, { allRuns: true }, resumePosition(request, query.after)),
);
