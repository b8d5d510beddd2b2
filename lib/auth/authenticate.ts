// Who is calling: an API token in `Authorization: Bearer`, else the session cookie, else nobody.
import type { Actor } from "./actor.ts";
import { SESSION_COOKIE, sessionActor } from "./sessions.ts";
import { tokenActor } from "./tokens.ts";

/** A cookie's value; a value that is not valid percent-encoding is no value (not an error). */
export function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export async function authenticate(request: Request): Promise<Actor | null> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match ? tokenActor(match[1]) : null;
  }
  const session = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  return session ? sessionActor(session) : null;
}
