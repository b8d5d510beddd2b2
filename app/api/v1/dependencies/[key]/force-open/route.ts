import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { dependencyKeyParam, forceOpen } from "#lib/dependencies/dependencies.ts";

export const POST = route(operations.forceOpenDependency, async ({ params, actor }) => forceOpen(dependencyKeyParam(params.key), actorLabel(actor)));
