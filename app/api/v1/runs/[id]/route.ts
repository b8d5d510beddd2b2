import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { getRun } from "#lib/runs/queries.ts";

export const GET = route(operations.getRun, async ({ params }) => getRun(uuidParam(params.id, "Run")));
