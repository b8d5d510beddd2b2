import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { checkHealth } from "#lib/health.ts";
import { listener } from "#lib/live/listener.ts";

export const dynamic = "force-dynamic";

/** 200 while the database answers (status "degraded" names what else is wrong), 503 when it does not. */
export const GET = route(operations.health, async () => {
  const health = await checkHealth(pool());
  // This web process's open live subscriptions: SSE clients and ?wait requests.
  return Response.json({ ...health, live: { subscribers: listener().subscriberCount } }, { status: health.database.reachable ? 200 : 503, headers: { "cache-control": "no-store" } });
});
