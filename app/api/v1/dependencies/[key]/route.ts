import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { dependencyKeyParam, getDependency, updateDependency } from "#lib/dependencies/dependencies.ts";

export const GET = route(operations.getDependency, async ({ params }) => getDependency(dependencyKeyParam(params.key)));

export const PUT = route(operations.updateDependency, async ({ params, body, actor }) => updateDependency(dependencyKeyParam(params.key), body, actorLabel(actor)));
