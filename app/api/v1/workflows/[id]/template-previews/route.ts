import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { previewTemplates } from "#lib/workflows/template-previews.ts";

export const POST = route(operations.previewTemplates, async ({ params, body }) => ({ previews: await previewTemplates(uuidParam(params.id, "Workflow"), body) }));
