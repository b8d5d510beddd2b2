import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { pool } from "#lib/db.ts";
import { actionsFor, getApproval } from "#lib/approvals/requests.ts";

export const GET = route(operations.getApproval, async ({ params, actor }) => {
  const request = await getApproval(pool(), uuidParam(params.id, "Approval request"));
  return { ...request, you: actionsFor(actor, request) };
});
