import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createRule, listRules } from "#lib/alerts/alerts.ts";

export const GET = route(operations.listAlertRules, async () => ({ rules: await listRules() }));

export const POST = route(operations.createAlertRule, async ({ body, actor }) => Response.json(await createRule(body, actorLabel(actor)), { status: 201 }));
