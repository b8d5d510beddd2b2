import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { pool } from "#lib/db.ts";
import { listEvents } from "#lib/events/log.ts";
import { publishEvent } from "#lib/events/publish.ts";

export const GET = route(operations.listEvents, async ({ query }) => listEvents(query));

/** 201 with the stored event; 200 when the same (type, id) was published before (stored and delivered once). */
export const POST = route(operations.publishEvent, async ({ body, actor }) => {
  const published = await publishEvent(pool(), body, actorLabel(actor));
  return Response.json(published, { status: published.duplicate ? 200 : 201 });
});
