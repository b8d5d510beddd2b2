import type { Role } from "./permissions.ts";

/** Whoever makes a request: a person with a browser session, or a machine with an API token. */
export type Actor =
  | { type: "user"; id: string; email: string; name: string; role: Role; via: "cookie"; sessionId: string }
  /** A person acting through a personal approval link (lib/approvals/links.ts): one decision. */
  | { type: "user"; id: string; email: string; name: string; role: Role; via: "link"; linkId: string }
  /** `userId`: the person the token acts for (it stops working while they are disabled). */
  | { type: "token"; id: string; name: string; role: Role; via: "bearer"; userId: string | null };

/** How an actor is named in audit trails: `user:alice@example.com`, `token:deploy-bot`. */
export const actorLabel = (actor: Actor): string =>
  actor.type === "user" ? `user:${actor.email}` : `token:${actor.name}`;

/** The person behind an actor: the user, or the user a token was made by. */
export const actorUserId = (actor: Actor): string | null => (actor.type === "user" ? actor.id : actor.userId);

/** What the API tells a caller about itself. */
export function describeActor(actor: Actor) {
  return actor.type === "user"
    ? { type: actor.type, id: actor.id, name: actor.name, email: actor.email, role: actor.role }
    : { type: actor.type, id: actor.id, name: actor.name, role: actor.role };
}
