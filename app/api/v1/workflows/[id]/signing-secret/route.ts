import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { revealSigningSecret, rotateSigningSecret } from "#lib/workflows/signing.ts";

const noStore = { "cache-control": "no-store" };

export const GET = route(operations.revealSigningSecret, async ({ params, actor }) =>
  Response.json(await revealSigningSecret(uuidParam(params.id, "Workflow"), actorLabel(actor)), { headers: noStore }),
);

export const POST = route(operations.rotateSigningSecret, async ({ params, body, actor }) =>
  Response.json(await rotateSigningSecret(uuidParam(params.id, "Workflow"), actorLabel(actor), body.graceMs), { headers: noStore }),
);
