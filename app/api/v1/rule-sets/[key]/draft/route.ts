import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { saveRuleSetDraft } from "#lib/rules/rule-sets.ts";

export const PUT = route(operations.saveRuleSetDraft, async ({ params, body, actor }) => saveRuleSetDraft(params.key, body, actorLabel(actor)));
