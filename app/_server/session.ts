// The signed-in person for server components. Pages outside /login call requireUser().
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, sessionActor } from "#lib/auth/sessions.ts";
import type { Actor } from "#lib/auth/actor.ts";

export type SessionUser = Extract<Actor, { type: "user" }>;

export async function currentUser(): Promise<SessionUser | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const actor = token ? await sessionActor(token) : null;
  return actor?.type === "user" ? actor : null;
}

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) {
    const path = (await headers()).get("x-baton-path") ?? "/";
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  return user;
}
