import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { nodeIdParam, uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { pinSample, unpinSample } from "#lib/workflows/step-tests.ts";

export const PUT = route(operations.pinSample, async ({ params, body, actor }) => pinSample(uuidParam(params.id, "Workflow"), nodeIdParam(params.nodeId), body, actorLabel(actor)));

export const DELETE = route(operations.unpinSample, async ({ params }) => unpinSample(uuidParam(params.id, "Workflow"), nodeIdParam(params.nodeId)));
