import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { listVersions, publishDraft } from "#lib/workflows/workflows.ts";

export const GET = route(operations.listVersions, async ({ params }) => ({ versions: await listVersions(uuidParam(params.id, "Workflow")) }));

/** Publishes the draft: 201 with the version, or 422 with every problem by node and field. */
export const POST = route(operations.publish, async ({ params, body, actor }) =>
  Response.json({ version: await publishDraft(uuidParam(params.id, "Workflow"), body, actorLabel(actor)) }, { status: 201 }),
);
