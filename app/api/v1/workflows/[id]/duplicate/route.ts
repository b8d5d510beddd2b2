import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { duplicateWorkflow } from "#lib/workflows/workflows.ts";

export const POST = route(operations.duplicateWorkflow, async ({ params, actor }) =>
  Response.json(await duplicateWorkflow(uuidParam(params.id, "Workflow"), actorLabel(actor)), { status: 201 }),
);
