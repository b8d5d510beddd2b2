import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { listRollouts } from "#lib/workflows/rollout.ts";

export const GET = route(operations.listRollouts, async () => ({ rollouts: await listRollouts(pool()) }));
