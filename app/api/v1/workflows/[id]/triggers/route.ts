import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createTrigger, listTriggers } from "#lib/triggers/triggers.ts";

export const GET = route(operations.listTriggers, async ({ params }) => ({ triggers: await listTriggers(uuidParam(params.id, "Workflow")) }));

export const POST = route(operations.createTrigger, async ({ params, body, actor }) =>
  Response.json(await createTrigger(uuidParam(params.id, "Workflow"), body, actorLabel(actor)), { status: 201, headers: { "cache-control": "no-store" } }),
);
