import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { evaluateRuleSet } from "#lib/rules/rule-sets.ts";

/** The test panel: the draft (or a version) against the inputs given; nothing is recorded. */
export const POST = route(operations.evaluateRuleSet, async ({ params, body }) => evaluateRuleSet(params.key, body, pool()));
