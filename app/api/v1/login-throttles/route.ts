import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { loginThrottles } from "#lib/admin/login-throttles.ts";

export const GET = route(operations.listLoginThrottles, () => loginThrottles());
