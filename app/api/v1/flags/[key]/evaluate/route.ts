import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { evaluateFlagForContext } from "#lib/flags/flags.ts";

export const POST = route(operations.evaluateFlag, async ({ params, body }) => evaluateFlagForContext(params.key, body));
