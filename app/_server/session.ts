// The signed-in person for server components. Every page under app/(app) calls requireUser()
// itself before it reads anything: the layout's check does not protect a page, because Next
// renders a layout and its page concurrently and streams whatever the page produced.
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, sessionActor } from "#lib/auth/sessions.ts";
import type { Actor } from "#lib/auth/actor.ts";

export type SessionUser = Extract<Actor, { type: "user" }>;

/** Once per request: the layout and the page share one session lookup. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const actor = token ? await sessionActor(token) : null;
  return actor?.type === "user" ? actor : null;
});

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) {
    const path = (await headers()).get("x-baton-path") ?? "/";
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  return user;
}
