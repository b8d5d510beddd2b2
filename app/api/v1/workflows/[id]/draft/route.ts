import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { saveDraft } from "#lib/workflows/workflows.ts";

/** Drafts may be invalid: the answer lists their problems. Only a malformed shape is refused. */
export const PUT = route(operations.saveDraft, async ({ params, body }) =>
  saveDraft(uuidParam(params.id, "Workflow"), body),
);
