import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createFlag, listFlags } from "#lib/flags/flags.ts";

export const GET = route(operations.listFlags, async () => ({ flags: await listFlags() }));

export const POST = route(operations.createFlag, async ({ body, actor }) => Response.json(await createFlag(body, actorLabel(actor)), { status: 201 }));
