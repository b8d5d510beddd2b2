import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { engine } from "#lib/engine/runtime.ts";
import { discardDeadLetter } from "#lib/engine/commands.ts";

/** Discards a dead letter; its run stays failed. */
export const DELETE = route(operations.discardDeadLetter, async ({ params, actor }) => {
  await discardDeadLetter(await engine(), uuidParam(params.id, "Dead letter"), actorLabel(actor));
  return new Response(null, { status: 204 });
});
