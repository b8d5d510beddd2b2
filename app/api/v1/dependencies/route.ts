import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { listDependencies } from "#lib/dependencies/dependencies.ts";

export const GET = route(operations.listDependencies, async () => ({ dependencies: await listDependencies() }));
