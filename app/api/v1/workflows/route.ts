import { route } from "#lib/api/route.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createWorkflowBody, listWorkflowsQuery } from "#lib/workflows/schemas.ts";
import { createWorkflow, listWorkflows } from "#lib/workflows/workflows.ts";

export const GET = route({ permission: "read", query: listWorkflowsQuery }, async ({ query }) => ({ workflows: await listWorkflows(query) }));

export const POST = route({ permission: "workflows.write", body: createWorkflowBody }, async ({ body, actor }) =>
  Response.json(await createWorkflow(body, actorLabel(actor)), { status: 201 }),
);
