import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { linkTokenParam, openLink } from "#lib/approvals/links.ts";

// Public: the token is the credential. Decides nothing (link previews and mail scanners GET it).
export const GET = route(operations.openApprovalLink, async ({ params }) => openLink(pool(), linkTokenParam(params.token)));
