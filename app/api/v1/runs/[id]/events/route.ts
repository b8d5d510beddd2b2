import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { listRunEvents } from "#lib/runs/queries.ts";

/** The run's audit log, oldest first; page with ?after=<last event id>. */
export const GET = route(operations.listRunEvents, async ({ params, query }) => listRunEvents(uuidParam(params.id, "Run"), query));
