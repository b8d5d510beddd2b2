import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { listApprovals } from "#lib/approvals/inbox.ts";

export const GET = route(operations.listApprovals, async ({ query, actor }) => listApprovals(pool(), actor, query));
