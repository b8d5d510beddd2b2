// The inbox's queries: requests newest first, a page at a time, and the count waiting on a person.
// "Waiting on me" is one SQL rule (waitingOn) so that the list and the navigation's count agree.
import { actorLabel, type Actor } from "../auth/actor.ts";
import { can } from "../auth/permissions.ts";
import { unprocessable } from "../api/errors.ts";
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
 * Open, pending, and `actor` may decide it now: eligible by role or by name, not the starter
 * (unless allowed), not already approved by them since the last submission, and not resubmitted
 * by them. Mirrors eligibility() and decide() in requests.ts; $1 role, $2 e-mail, $3 actor label.
 */
const waitingOn = `a.closed_at is null and a.state = 'pending_approval'
  and ($1 = any(a.eligible_roles) or lower($2) = any(select lower(u) from unnest(a.eligible_users) u))
  and (a.allow_requester or a.requested_by <> $3)
  and not exists (select 1 from approval_decisions d where d.request_id = a.id and d.actor = $3 and d.decision = 'approve'
                    and d.seq > coalesce((select max(seq) from approval_decisions r where r.request_id = a.id and r.decision = 'resubmit'), 0))
  and (select actor from approval_decisions r where r.request_id = a.id and r.decision = 'resubmit' order by seq desc limit 1) is distinct from $3`;

const whoParams = (actor: Actor) => [actor.role, actor.type === "user" ? actor.email : "", actorLabel(actor)];

/** How many requests wait on `actor` (the navigation's badge). */
export async function countWaitingOn(sql: Sql, actor: Actor): Promise<number> {
  if (!can(actor.role, "approvals.decide")) return 0;
  const { rows } = await sql.query(`select count(*)::int as n from approval_requests a where ${waitingOn}`, whoParams(actor));
  return rows[0].n;
}

const encodeCursor = (createdAt: Date, id: string) => Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString());
    if (typeof at === "string" && !Number.isNaN(Date.parse(at)) && typeof id === "string" && /^[0-9a-f-]{36}$/.test(id)) return [at, id];
  } catch {
    // answered below
  }
  throw unprocessable("The cursor is not one this API gave out.", [{ path: "cursor", message: "Pass nextCursor from the previous page as it is." }]);
}

/** Requests newest first, without their decisions (GET /approvals/:id has them). */
export async function listApprovals(sql: Sql, actor: Actor, query: InboxQuery) {
  const mine = query.assignedTo === "me";
  if (mine && !can(actor.role, "approvals.decide")) return { approvals: [], nextCursor: null };
  const [cursorAt, cursorId] = query.cursor ? decodeCursor(query.cursor) : [null, null];
  const { rows } = await sql.query(
    `select a.id, a.run_id, a.workflow_id, w.name as workflow_name, a.node_id, a.state, a.title, a.data_version, a.eligible_roles, a.eligible_users,
            a.quorum, a.requested_by, a.deadline_at, a.escalations, a.reminders, a.created_at, a.closed_at,
            (select count(distinct d.actor)::int from approval_decisions d where d.request_id = a.id and d.decision = 'approve'
               and d.seq > coalesce((select max(seq) from approval_decisions r where r.request_id = a.id and r.decision = 'resubmit'), 0)) as approvals
       from approval_requests a join workflows w on w.id = a.workflow_id
      where ($4 = 'all' or ($4 = 'open') = (a.closed_at is null))
        and ($5::uuid is null or a.workflow_id = $5)
        and (not $6 or (${waitingOn}))
        and ($7::timestamptz is null or (a.created_at, a.id) < ($7, $8::uuid))
        and ($10::uuid is null or a.run_id = $10)
      order by a.created_at desc, a.id desc limit $9`,
    [...whoParams(actor), query.status, query.workflowId ?? null, mine, cursorAt, cursorId, query.limit + 1, query.runId ?? null],
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
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
