import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createEventType, listEventTypes } from "#lib/events/registry.ts";

export const GET = route(operations.listEventTypes, async () => ({ eventTypes: await listEventTypes() }));

export const POST = route(operations.createEventType, async ({ body, actor }) => Response.json(await createEventType(body, actorLabel(actor)), { status: 201 }));
