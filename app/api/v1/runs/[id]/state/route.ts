import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { pool } from "#lib/db.ts";
import { runStateAt } from "#lib/runs/state-at.ts";

/** Time travel through the audit log: the run as it was right after event `at`. */
export const GET = route(operations.getRunStateAt, async ({ params, query }) => runStateAt(pool(), uuidParam(params.id, "Run"), query.at));
