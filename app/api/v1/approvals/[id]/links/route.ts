import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { pool } from "#lib/db.ts";
import { env } from "#lib/env.ts";
import { createLink } from "#lib/approvals/links.ts";

export const POST = route(operations.createApprovalLink, async ({ params, body, actor, request }) =>
  // The address people use (BATON_PUBLIC_URL behind a proxy), else the one this request came to.
  Response.json(await createLink(pool(), uuidParam(params.id, "Approval request"), body.email, actor, env.BATON_PUBLIC_URL ?? new URL(request.url).origin), { status: 201 }),
);
