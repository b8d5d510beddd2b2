import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { positiveIntParam } from "#lib/api/params.ts";
import { getFlagVersion } from "#lib/flags/flags.ts";

export const GET = route(operations.getFlagVersion, async ({ params }) => getFlagVersion(params.key, positiveIntParam(params.number, "Version")));
