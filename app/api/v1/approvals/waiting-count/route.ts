import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { countWaitingOn } from "#lib/approvals/inbox.ts";

export const GET = route(operations.countWaitingApprovals, async ({ actor }) => ({ count: await countWaitingOn(pool(), actor) }));
