import { route } from "#lib/api/route.ts";
import { pool } from "#lib/db.ts";
import { checkHealth } from "#lib/health.ts";

export const dynamic = "force-dynamic";

/** 200 while the database answers (status "degraded" names what else is wrong), 503 when it does not. */
export const GET = route({ permission: "public" }, async () => {
  const health = await checkHealth(pool());
  return Response.json(health, { status: health.database.reachable ? 200 : 503, headers: { "cache-control": "no-store" } });
});
