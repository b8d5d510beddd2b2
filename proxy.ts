// Runs before pages: sends visitors without a session cookie to the sign-in page, keeping the
// page they asked for, and tells server components which path is being rendered. The session
// itself is checked in requireUser(); this is only the cheap first gate.
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIE = "baton_session";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // A decision link (/approve/<token>) authenticates with its token, not a session.
  if (pathname !== "/login" && !pathname.startsWith("/approve/") && !request.cookies.has(SESSION_COOKIE)) {
    const login = new URL("/login", request.url);
    if (pathname !== "/") login.searchParams.set("next", pathname + search);
    return NextResponse.redirect(login);
  }
  const headers = new Headers(request.headers);
  headers.set("x-baton-path", pathname + search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API or /metrics (they answer 401 themselves), static files from public/ or Next internals.
  matcher: ["/((?!api/|metrics$|_next/|favicon.ico|robots.txt|.*\\.(?:png|svg|jpg|ico|css|js|txt|woff2?)$).*)"],
};
