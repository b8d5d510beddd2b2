import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { getStepTest } from "#lib/workflows/step-tests.ts";

export const GET = route(operations.getStepTest, async ({ params }) => getStepTest(uuidParam(params.id, "Step test")));
