// The inbox's queries: requests newest first, a page at a time, and the count waiting on a person.
// "Waiting on me" is one SQL rule (waitingOn) so that the list and the navigation's count agree.
import { actorLabel, type Actor } from "../auth/actor.ts";
import { can } from "../auth/permissions.ts";
import { decodeCursor, encodeCursor } from "../api/cursor.ts";
import type { Sql } from "../engine/tx.ts";

export interface InboxQuery {
  status: "open" | "decided" | "all";
  assignedTo?: "me";
  workflowId?: string;
  runId?: string;
  cursor?: string;
  limit: number;
}

/**
 * Open, pending, and `actor` may decide it now: eligible by role or by name (stored lower-cased),
 * not the starter (unless allowed), not already approved by them since the last submission, not
 * resubmitted by them. Mirrors refusal() in requests.ts; $1 role, $2 e-mail, $3 actor label.
 */
const waitingOn = `a.closed_at is null and a.state = 'pending_approval'
  and ($1 = any(a.eligible_roles) or lower($2) = any(a.eligible_users))
  and (a.allow_requester or a.requested_by <> $3)
  and not ($3 = any(a.approved_by))
  and a.resubmitted_by is distinct from $3`;

const whoParams = (actor: Actor) => [actor.role, actor.type === "user" ? actor.email : "", actorLabel(actor)];

/** How many requests wait on `actor` (the navigation's badge). */
export async function countWaitingOn(sql: Sql, actor: Actor): Promise<number> {
  if (!can(actor.role, "approvals.decide")) return 0;
  const { rows } = await sql.query(`select count(*)::int as n from approval_requests a where ${waitingOn}`, whoParams(actor));
  return rows[0].n;
}

/** Requests newest first, without their decisions (GET /approvals/:id has them). */
export async function listApprovals(sql: Sql, actor: Actor, query: InboxQuery) {
  const mine = query.assignedTo === "me";
  if (mine && !can(actor.role, "approvals.decide")) return { approvals: [], nextCursor: null };
  // Only the conditions that apply, so that the planner sees them (and the closed_at index).
  const values: unknown[] = mine ? whoParams(actor) : [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where = mine ? [waitingOn] : [];
  if (query.status !== "all") where.push(`a.closed_at is ${query.status === "open" ? "" : "not "}null`);
  if (query.workflowId) where.push(`a.workflow_id = ${param(query.workflowId)}`);
  if (query.runId) where.push(`a.run_id = ${param(query.runId)}`);
  const after = decodeCursor(query.cursor);
  if (after) where.push(`(a.created_at, a.id) < (${param(after.key)}::timestamptz, ${param(after.id)}::uuid)`);
  const { rows } = await sql.query(
    `select a.id, a.run_id, a.workflow_id, w.name as workflow_name, a.node_id, a.state, a.title, a.data_version, a.eligible_roles, a.eligible_users,
            a.quorum, cardinality(a.approved_by) as approvals, a.requested_by, a.deadline_at, a.escalations, a.reminders, a.created_at,
            a.created_at::text as created_key, a.closed_at
       from approval_requests a join workflows w on w.id = a.workflow_id
      ${where.length ? `where ${where.join(" and ")}` : ""}
      order by a.created_at desc, a.id desc limit ${param(query.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    approvals: page.map((r) => ({
      id: r.id as string,
      runId: r.run_id as string,
      workflowId: r.workflow_id as string,
      workflowName: r.workflow_name as string,
      nodeId: r.node_id as string,
      state: r.state as string,
      title: r.title as string,
      dataVersion: r.data_version as number,
      eligibleRoles: r.eligible_roles as string[],
      eligibleUsers: r.eligible_users as string[],
      quorum: r.quorum as number,
      approvals: r.approvals as number,
      requestedBy: r.requested_by as string,
      deadlineAt: r.deadline_at as Date | null,
      escalations: r.escalations as number,
      reminders: r.reminders as number,
      createdAt: r.created_at as Date,
      closedAt: r.closed_at as Date | null,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_key, last.id) : null,
  };
}
