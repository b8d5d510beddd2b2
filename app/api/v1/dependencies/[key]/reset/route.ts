import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { engine } from "#lib/engine/runtime.ts";
import { dependencyKeyParam, resetDependency } from "#lib/dependencies/dependencies.ts";

export const POST = route(operations.resetDependency, async ({ params, actor }) => resetDependency(await engine(), dependencyKeyParam(params.key), actorLabel(actor)));
