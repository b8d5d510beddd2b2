import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { listOutbox } from "#lib/secrets/outbox.ts";

export const GET = route(operations.listOutbox, async () => ({ messages: await listOutbox(pool()) }));
