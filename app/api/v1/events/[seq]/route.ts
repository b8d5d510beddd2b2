import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { getEvent } from "#lib/events/log.ts";

export const GET = route(operations.getEvent, async ({ params }) => getEvent(params.seq));
