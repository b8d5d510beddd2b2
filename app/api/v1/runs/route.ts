import { route } from "#lib/api/route.ts";
import { listRunsQuery } from "#lib/workflows/schemas.ts";
import { listRuns } from "#lib/runs/queries.ts";

export const GET = route({ permission: "read", query: listRunsQuery }, async ({ query }) => listRuns(query));
