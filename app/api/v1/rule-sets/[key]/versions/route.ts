import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { publishRuleSet } from "#lib/rules/rule-sets.ts";

export const POST = route(operations.publishRuleSet, async ({ params, body, actor }) => Response.json(await publishRuleSet(params.key, body, actorLabel(actor)), { status: 201 }));
