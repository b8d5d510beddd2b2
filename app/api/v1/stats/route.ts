import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { engine } from "#lib/engine/runtime.ts";
import { dashboardStats } from "#lib/runs/stats.ts";

/** The dashboard's figures for a window (15m, 1h, 24h, 7d). */
export const GET = route(operations.stats, async ({ query }) => dashboardStats(query.window, (await engine()).boss));
