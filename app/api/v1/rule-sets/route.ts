import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createRuleSet, listRuleSets } from "#lib/rules/rule-sets.ts";

export const GET = route(operations.listRuleSets, async () => ({ ruleSets: await listRuleSets() }));

export const POST = route(operations.createRuleSet, async ({ body, actor }) => Response.json(await createRuleSet(body, actorLabel(actor)), { status: 201 }));
