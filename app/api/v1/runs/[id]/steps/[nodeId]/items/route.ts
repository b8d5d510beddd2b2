import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { listStepItems } from "#lib/runs/queries.ts";

/** A for-each step's items in order; `?status=failed` for the failed ones, `?after=` to page. */
export const GET = route(operations.listStepItems, async ({ params, query }) =>
  listStepItems(uuidParam(params.id, "Run"), params.nodeId, query),
);
