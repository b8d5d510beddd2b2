import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { testChannel } from "#lib/alerts/alerts.ts";

export const POST = route(operations.testAlertChannel, async ({ params, actor }) => Response.json(await testChannel(uuidParam(params.id, "Alert channel"), actorLabel(actor)), { status: 201 }));
