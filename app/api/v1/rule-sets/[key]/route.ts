import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { getRuleSet } from "#lib/rules/rule-sets.ts";

export const GET = route(operations.getRuleSet, async ({ params }) => getRuleSet(params.key));
