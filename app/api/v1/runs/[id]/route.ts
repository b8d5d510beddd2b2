import { route } from "#lib/api/route.ts";
import { uuidParam } from "#lib/api/params.ts";
import { getRun } from "#lib/runs/queries.ts";

export const GET = route({ permission: "read" }, async ({ params }) => getRun(uuidParam(params.id, "Run")));
