import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { listDeadLetters } from "#lib/runs/queries.ts";

export const GET = route(operations.listDeadLetters, async ({ query }) => listDeadLetters(query));
