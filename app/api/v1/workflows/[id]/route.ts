import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { deleteWorkflow, getWorkflow, updateWorkflow } from "#lib/workflows/workflows.ts";

export const GET = route(operations.getWorkflow, async ({ params }) => getWorkflow(uuidParam(params.id, "Workflow")));

export const PATCH = route(operations.updateWorkflow, async ({ params, body }) =>
  updateWorkflow(uuidParam(params.id, "Workflow"), body),
);

/** Hides the workflow from lists; its versions and runs stay readable. */
export const DELETE = route(operations.deleteWorkflow, async ({ params }) => {
  await deleteWorkflow(uuidParam(params.id, "Workflow"));
  return new Response(null, { status: 204 });
});
