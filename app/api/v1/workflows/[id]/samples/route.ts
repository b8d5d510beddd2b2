import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { workflowSamples } from "#lib/workflows/step-tests.ts";

export const GET = route(operations.listSamples, async ({ params }) => workflowSamples(uuidParam(params.id, "Workflow")));
