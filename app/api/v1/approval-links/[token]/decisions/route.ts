import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { engine } from "#lib/engine/runtime.ts";
import { decideByLink, linkTokenParam } from "#lib/approvals/links.ts";

// Public: the token is the credential, spent by the decision it makes.
export const POST = route(operations.decideByApprovalLink, async ({ params, body }) => decideByLink(await engine(), linkTokenParam(params.token), body));
