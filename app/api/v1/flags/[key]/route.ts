import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { getFlag, saveFlag } from "#lib/flags/flags.ts";

export const GET = route(operations.getFlag, async ({ params }) => getFlag(params.key));

export const PUT = route(operations.saveFlag, async ({ params, body, actor }) => saveFlag(params.key, body, actorLabel(actor)));
