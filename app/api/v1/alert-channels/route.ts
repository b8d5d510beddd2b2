import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { createChannel, listChannels } from "#lib/alerts/alerts.ts";

export const GET = route(operations.listAlertChannels, async () => ({ channels: await listChannels() }));

export const POST = route(operations.createAlertChannel, async ({ body, actor }) => Response.json(await createChannel(body, actorLabel(actor)), { status: 201 }));
