import { route } from "#lib/api/route.ts";
import { uuidParam } from "#lib/api/params.ts";
import { listEventsQuery } from "#lib/workflows/schemas.ts";
import { listRunEvents } from "#lib/runs/queries.ts";

/** The run's audit log, oldest first; page with ?after=<last event id>. */
export const GET = route({ permission: "read", query: listEventsQuery }, async ({ params, query }) => listRunEvents(uuidParam(params.id, "Run"), query));
