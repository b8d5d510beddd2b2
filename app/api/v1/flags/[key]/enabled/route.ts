import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { setFlagEnabled } from "#lib/flags/flags.ts";

export const POST = route(operations.setFlagEnabled, async ({ params, body, actor }) => setFlagEnabled(params.key, body, actorLabel(actor)));
