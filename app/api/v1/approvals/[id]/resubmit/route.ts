import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { engine } from "#lib/engine/runtime.ts";
import { resubmit } from "#lib/approvals/requests.ts";

export const POST = route(operations.resubmitApproval, async ({ params, body, actor }) => resubmit(await engine(), uuidParam(params.id, "Approval request"), actor, body));
