import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { startStepTest } from "#lib/workflows/step-tests.ts";

/** 202 with the test's id; a worker runs it at once. */
export const POST = route(operations.testStep, async ({ params, body, actor }) =>
  Response.json(await startStepTest(uuidParam(params.id, "Workflow"), body, actorLabel(actor)), { status: 202 }),
);
