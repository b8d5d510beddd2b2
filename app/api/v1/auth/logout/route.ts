import { route, assertSameOrigin } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { readCookie } from "#lib/auth/authenticate.ts";
import { SESSION_COOKIE, deleteSession } from "#lib/auth/sessions.ts";
import { clearedSessionCookie } from "#lib/auth/cookies.ts";

/** Ends the session of the cookie sent, if any; always clears the cookie. */
export const POST = route(operations.logout, async ({ request }) => {
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (token) {
    assertSameOrigin(request);
    await deleteSession(token);
  }
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(request) } });
});
