import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { pool } from "#lib/db.ts";
import { createLink } from "#lib/approvals/links.ts";

export const POST = route(operations.createApprovalLink, async ({ params, body, actor, request }) =>
  Response.json(await createLink(pool(), uuidParam(params.id, "Approval request"), body.email, actor, new URL(request.url).origin), { status: 201 }),
);
