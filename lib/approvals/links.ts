// Decision links: a personal, single-use, expiring link to one request, for an eligible person to
// decide from e-mail or chat without signing in. Only the token's hash is stored. Opening the link
// shows the request and decides nothing (link previews and mail scanners follow GETs); the
// decision is a POST, and it spends the link in the decision's own transaction.
import { createHash, randomBytes } from "node:crypto";
import { conflict, notFound, unprocessable } from "../api/errors.ts";
import { actorLabel, type Actor } from "../auth/actor.ts";
import type { Role } from "../auth/permissions.ts";
import type { EngineDeps } from "../engine/deps.ts";
import { transaction, type Sql } from "../engine/tx.ts";
import { decide, eligibility, getApproval, type ApprovalView } from "./requests.ts";
import { LINK_TOKEN } from "./schemas.ts";
import type { Decision } from "./states.ts";

/** A link lives a week, or until the request's deadline when that comes first. */
export const LINK_TTL_MS = 7 * 86_400_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

interface LinkUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

const linkActor = (user: LinkUser, linkId: string): Actor => ({ type: "user", ...user, via: "link", linkId });

/** Makes a link for `email`, who must be able to decide the request now. The token is returned once. */
export async function createLink(sql: Sql, requestId: string, email: string, creator: Actor | string, baseUrl: string) {
  const request = await getApproval(sql, requestId);
  if (request.closedAt || request.state !== "pending_approval") throw conflict(`This request is ${request.state.replaceAll("_", " ")}; links are for requests waiting for a decision.`, { state: request.state });
  const { rows } = await sql.query(`select id, email, name, role from users where lower(email) = lower($1) and disabled_at is null`, [email]);
  const user = rows[0] as LinkUser | undefined;
  if (!user) throw unprocessable("No active user has this e-mail address.", [{ path: "email", message: "Name an active user." }]);
  const refusal = eligibility(linkActor(user, ""), request);
  if (refusal) throw unprocessable(`${user.email} cannot decide this request: ${refusal}`, [{ path: "email", message: refusal }]);
  const token = randomBytes(32).toString("base64url");
  const expires = Math.min(Date.now() + LINK_TTL_MS, request.deadlineAt?.getTime() ?? Infinity);
  const { rows: created } = await sql.query(
    `insert into approval_links (request_id, user_id, token_hash, expires_at, created_by) values ($1, $2, $3, $4, $5) returning expires_at`,
    [requestId, user.id, hashToken(token), new Date(expires), typeof creator === "string" ? creator : actorLabel(creator)],
  );
  return { url: `${baseUrl.replace(/\/$/, "")}/approve/${token}`, email: user.email, expiresAt: created[0].expires_at as Date };
}

/** A personal link for every active person who may decide the request now (alert notifications). */
export async function linksForEligible(sql: Sql, requestId: string, creator: string, baseUrl: string) {
  const request = await getApproval(sql, requestId);
  const { rows } = await sql.query(`select email from users where disabled_at is null and (role::text = any($1::text[]) or lower(email) = any($2::text[])) order by email`, [request.eligibleRoles, request.eligibleUsers.map((e) => e.toLowerCase())]);
  const links = [];
  for (const { email } of rows) {
    // Someone the request's own rules refuse (its requester, say) gets no link.
    const link = await createLink(sql, requestId, email, creator, baseUrl).catch(() => null);
    if (link) links.push(link);
  }
  return links;
}

/** Why a link cannot be used, or null. */
function unusable(link: { used_at: Date | null; expires_at: Date; disabled_at: Date | null }): string | null {
  if (link.used_at) return "This link has been used already: each link decides once.";
  if (link.expires_at.getTime() <= Date.now()) return "This link has expired.";
  if (link.disabled_at) return "The account this link was made for is disabled.";
  return null;
}

const LINK_ROW = `select l.id, l.request_id, l.used_at, l.expires_at, u.id as user_id, u.email, u.name, u.role, u.disabled_at
                    from approval_links l join users u on u.id = l.user_id where l.token_hash = $1`;

/** What the link's page shows: the request and whom the link is for; never decides. */
export async function openLink(sql: Sql, token: string): Promise<{ request: ApprovalView; email: string; expiresAt: Date; problem: string | null }> {
  const { rows } = await sql.query(LINK_ROW, [hashToken(token)]);
  if (!rows[0]) throw notFound("This approval link");
  return { request: await getApproval(sql, rows[0].request_id), email: rows[0].email, expiresAt: rows[0].expires_at, problem: unusable(rows[0]) };
}

/** The link's POST: spends the link and decides as its person, in one transaction. */
export async function decideByLink(deps: EngineDeps, token: string, input: { decision: Decision; comment?: string }): Promise<ApprovalView> {
  return transaction(deps.pool, async (tx) => {
    const { rows } = await tx.query(`${LINK_ROW} for update of l`, [hashToken(token)]);
    const link = rows[0];
    if (!link) throw notFound("This approval link");
    const problem = unusable(link);
    if (problem) throw conflict(problem);
    await tx.query(`update approval_links set used_at = now() where id = $1`, [link.id]);
    return decide(deps, link.request_id, linkActor({ id: link.user_id, email: link.email, name: link.name, role: link.role }, link.id), input, tx);
  });
}

/** A token from a path: one Baton could have made, else it names nothing (404 before the database). */
export function linkTokenParam(value: string | undefined): string {
  if (!value || !LINK_TOKEN.test(value)) throw notFound("This approval link");
  return value;
}
