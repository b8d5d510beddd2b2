import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { listAlerts } from "#lib/alerts/alerts.ts";

export const GET = route(operations.listAlerts, async ({ query }) => listAlerts(query));
