import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { egress } from "#lib/net/outbound.ts";

/** The web process's view; workers started with the same environment apply the same policy. */
export const GET = route(operations.egressPolicy, async () => (await egress()).policy.describe());
