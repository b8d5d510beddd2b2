import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { positiveIntParam, uuidParam } from "#lib/api/params.ts";
import { getVersion } from "#lib/workflows/workflows.ts";

export const GET = route(operations.getVersion, async ({ params }) =>
  getVersion(uuidParam(params.id, "Workflow"), positiveIntParam(params.number, "Version")),
);
