import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { engine } from "#lib/engine/runtime.ts";
import { compensateRun } from "#lib/engine/commands.ts";

export const POST = route(operations.compensateRun, async ({ params, actor }) => compensateRun(await engine(), uuidParam(params.id, "Run"), actorLabel(actor)));
