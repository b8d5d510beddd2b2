import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { listRuns } from "#lib/runs/queries.ts";

export const GET = route(operations.listRuns, async ({ query }) => listRuns(query));
