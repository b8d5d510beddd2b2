import { z } from "zod";
import { route } from "#lib/api/route.ts";
import { engine } from "#lib/engine/runtime.ts";
import { dashboardStats, WINDOWS, type StatsWindow } from "#lib/runs/stats.ts";

const query = z.strictObject({ window: z.enum(Object.keys(WINDOWS) as [StatsWindow, ...StatsWindow[]]).default("1h") });

/** The dashboard's figures for a window (15m, 1h, 24h, 7d). */
export const GET = route({ permission: "read", query }, async ({ query }) => dashboardStats(query.window, (await engine()).boss));
