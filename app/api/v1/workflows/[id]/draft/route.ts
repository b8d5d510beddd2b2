import { route } from "#lib/api/route.ts";
import { uuidParam } from "#lib/api/params.ts";
import { saveDraftBody } from "#lib/workflows/schemas.ts";
import { saveDraft } from "#lib/workflows/workflows.ts";

/** Drafts may be invalid: the answer lists their problems. Only a malformed shape is refused. */
export const PUT = route({ permission: "workflows.write", body: saveDraftBody }, async ({ params, body }) =>
  saveDraft(uuidParam(params.id, "Workflow"), body),
);
