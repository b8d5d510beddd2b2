import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { engine } from "#lib/engine/runtime.ts";
import { decide } from "#lib/approvals/requests.ts";

export const POST = route(operations.decideApproval, async ({ params, body, actor }) => decide(await engine(), uuidParam(params.id, "Approval request"), actor, body));
