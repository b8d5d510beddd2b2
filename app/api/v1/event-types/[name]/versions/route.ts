import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { addEventTypeVersion } from "#lib/events/registry.ts";

export const POST = route(operations.addEventTypeVersion, async ({ params, body, actor }) => Response.json(await addEventTypeVersion(params.name, body, actorLabel(actor)), { status: 201 }));
