import { route } from "#lib/api/route.ts";
import { describeActor } from "#lib/auth/actor.ts";

export const GET = route({ permission: "read" }, async ({ actor }) => describeActor(actor));
