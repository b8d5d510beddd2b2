import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { describeActor } from "#lib/auth/actor.ts";

export const GET = route(operations.me, async ({ actor }) => describeActor(actor));
