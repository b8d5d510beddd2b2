import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { listStepLogs } from "#lib/runs/queries.ts";

/** The log lines a step's attempts wrote, oldest first; `?attempt=` for one attempt. */
export const GET = route(operations.listStepLogs, async ({ params, query }) =>
  listStepLogs(uuidParam(params.id, "Run"), params.nodeId, query),
);
