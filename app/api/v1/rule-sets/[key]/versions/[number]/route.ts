import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { positiveIntParam } from "#lib/api/params.ts";
import { getRuleSetVersion } from "#lib/rules/rule-sets.ts";

export const GET = route(operations.getRuleSetVersion, async ({ params }) => getRuleSetVersion(params.key, positiveIntParam(params.number, "Version")));
