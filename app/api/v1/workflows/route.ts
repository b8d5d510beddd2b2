import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createWorkflow, listWorkflows } from "#lib/workflows/workflows.ts";

export const GET = route(operations.listWorkflows, async ({ query }) => ({ workflows: await listWorkflows(query) }));

export const POST = route(operations.createWorkflow, async ({ body, actor }) =>
  Response.json(await createWorkflow(body, actorLabel(actor)), { status: 201 }),
);
