import { route, assertSameOrigin } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { login } from "#lib/auth/login.ts";
import { sessionCookie } from "#lib/auth/cookies.ts";
import { clientAddress } from "#lib/auth/client-address.ts";

export const POST = route(operations.login, async ({ request, body }) => {
  // A browser form on another site must not sign a visitor into an attacker's account.
  if (request.headers.has("origin")) assertSameOrigin(request);
  const { token, expiresAt, user } = await login(body, { userAgent: request.headers.get("user-agent"), address: clientAddress(request) });
  return Response.json({ user, expiresAt }, { headers: { "set-cookie": sessionCookie(request, token, expiresAt) } });
});
