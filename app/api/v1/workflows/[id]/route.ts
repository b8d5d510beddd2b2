import { route } from "#lib/api/route.ts";
import { uuidParam } from "#lib/api/params.ts";
import { updateWorkflowBody } from "#lib/workflows/schemas.ts";
import { deleteWorkflow, getWorkflow, updateWorkflow } from "#lib/workflows/workflows.ts";

export const GET = route({ permission: "read" }, async ({ params }) => getWorkflow(uuidParam(params.id, "Workflow")));

export const PATCH = route({ permission: "workflows.write", body: updateWorkflowBody }, async ({ params, body }) =>
  updateWorkflow(uuidParam(params.id, "Workflow"), body),
);

/** Hides the workflow from lists; its versions and runs stay readable. */
export const DELETE = route({ permission: "workflows.write" }, async ({ params }) => {
  await deleteWorkflow(uuidParam(params.id, "Workflow"));
  return new Response(null, { status: 204 });
});
