import { route } from "#lib/api/route.ts";
import { listDeadLettersQuery } from "#lib/workflows/schemas.ts";
import { listDeadLetters } from "#lib/runs/queries.ts";

export const GET = route({ permission: "read", query: listDeadLettersQuery }, async ({ query }) => listDeadLetters(query));
