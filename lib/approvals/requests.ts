// Approval requests. An approval step's attempt asks to wait (kind "approval") and its request is
// written in that same transaction (recordRequest). People decide through decide(): the decision
// row (a link of the request's hash chain), the request's new state, the run event and, once the
// request closes, the run going on down the decision's branch, all commit together, fenced on
// the step still waiting on that attempt.
import { createHash } from "node:crypto";
import { conflict, forbidden, notFound, unprocessable } from "../api/errors.ts";
import { actorLabel, type Actor } from "../auth/actor.ts";
import { can } from "../auth/permissions.ts";
import type { EngineDeps } from "../engine/deps.ts";
import { insertEvents } from "../engine/events.ts";
import { lockRun } from "../engine/run-lock.ts";
import { transaction, type Sql } from "../engine/tx.ts";
import type { RecordWait } from "../engine/wait.ts";
import { resumeWaitInTransaction } from "../engine/wait.ts";
import { allows, canMove, type ApprovalState, type Decision, type Move } from "./states.ts";

export interface RequestSpec {
  title: string;
  description?: string;
  data?: unknown;
  roles: string[];
  users: string[];
  quorum: number;
  allowRequester: boolean;
}

export interface DecisionRow {
  seq: number;
  actor: string;
  role: string | null;
  decision: string;
  fromState: string;
  toState: string;
  comment: string | null;
  dataHash: string;
  prevHash: string | null;
  hash: string;
  at: Date;
}

export interface ApprovalView {
  id: string;
  runId: string;
  workflowId: string;
  nodeId: string;
  state: ApprovalState;
  title: string;
  description: string;
  data: unknown;
  dataHash: string;
  dataVersion: number;
  eligibleRoles: string[];
  eligibleUsers: string[];
  quorum: number;
  allowRequester: boolean;
  requestedBy: string;
  createdAt: Date;
  closedAt: Date | null;
  decisions: DecisionRow[];
  /** Whether every decision row's hash matches its content and the row before it. */
  chainVerified: boolean;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
export const dataHash = (data: unknown) => sha256(JSON.stringify(data ?? null));

/** What a decision row's hash covers: everything in it but the hash, and the previous hash. */
const rowHash = (r: Omit<DecisionRow, "hash" | "at"> & { requestId: string; at: string }) =>
  sha256(JSON.stringify([r.requestId, r.seq, r.actor, r.role, r.decision, r.fromState, r.toState, r.comment, r.dataHash, r.prevHash, r.at]));

async function appendDecision(
  tx: Sql,
  requestId: string,
  row: { actor: string; role: string | null; decision: Move | "request"; fromState: string; toState: string; comment: string | null; dataHash: string },
): Promise<void> {
  const { rows } = await tx.query(`select seq, hash from approval_decisions where request_id = $1 order by seq desc limit 1`, [requestId]);
  const seq = (rows[0]?.seq ?? 0) + 1;
  const prevHash: string | null = rows[0]?.hash ?? null;
  const at = new Date().toISOString();
  const hash = rowHash({ requestId, seq, prevHash, at, ...row });
  await tx.query(
    `insert into approval_decisions (request_id, seq, actor, role, decision, from_state, to_state, comment, data_hash, prev_hash, hash, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [requestId, seq, row.actor, row.role, row.decision, row.fromState, row.toState, row.comment, row.dataHash, prevHash, hash, at],
  );
}

/** The wait's record: the request, its first link, and the run event, with the wait itself. */
export function recordRequest(spec: RequestSpec): RecordWait {
  return async (tx, waiting) => {
    const hash = dataHash(spec.data);
    const { rows } = await tx.query(
      `insert into approval_requests (run_id, step_run_id, attempt, workflow_id, node_id, title, description, data, data_hash, eligible_roles, eligible_users, quorum, allow_requester, requested_by)
       select r.id, $2, $3, r.workflow_id, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, r.created_by from runs r where r.id = $1
       returning id`,
      [waiting.runId, waiting.stepRunId, waiting.attempt, waiting.nodeId, spec.title, spec.description ?? "", JSON.stringify(spec.data ?? null), hash, spec.roles, spec.users, spec.quorum, spec.allowRequester],
    );
    const requestId: string = rows[0].id;
    await appendDecision(tx, requestId, { actor: waiting.actor, role: null, decision: "request", fromState: "", toState: "pending_approval", comment: null, dataHash: hash });
    await insertEvents(tx, [
      { runId: waiting.runId, stepRunId: waiting.stepRunId, nodeId: waiting.nodeId, type: "approval.requested", actor: waiting.actor, data: { requestId, title: spec.title } },
    ]);
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of approval_requests
function toView(r: any, decisions: DecisionRow[]): ApprovalView {
  return { ...requestView(r), decisions, chainVerified: verifyChain(r.id, decisions) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of approval_requests
function requestView(r: any): Omit<ApprovalView, "decisions" | "chainVerified"> {
  return {
    id: r.id,
    runId: r.run_id,
    workflowId: r.workflow_id,
    nodeId: r.node_id,
    state: r.state,
    title: r.title,
    description: r.description,
    data: r.data,
    dataHash: r.data_hash,
    dataVersion: r.data_version,
    eligibleRoles: r.eligible_roles,
    eligibleUsers: r.eligible_users,
    quorum: r.quorum,
    allowRequester: r.allow_requester,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}

export function verifyChain(requestId: string, rows: DecisionRow[]): boolean {
  let prev: string | null = null;
  for (const [i, r] of rows.entries()) {
    if (r.seq !== i + 1 || r.prevHash !== prev) return false;
    if (rowHash({ ...r, requestId, at: r.at.toISOString() }) !== r.hash) return false;
    prev = r.hash;
  }
  return true;
}

async function decisionsOf(sql: Sql, requestId: string): Promise<DecisionRow[]> {
  const { rows } = await sql.query(
    `select seq, actor, role, decision, from_state, to_state, comment, data_hash, prev_hash, hash, at from approval_decisions where request_id = $1 order by seq`,
    [requestId],
  );
  return rows.map((r) => ({
    seq: r.seq,
    actor: r.actor,
    role: r.role,
    decision: r.decision,
    fromState: r.from_state,
    toState: r.to_state,
    comment: r.comment,
    dataHash: r.data_hash,
    prevHash: r.prev_hash,
    hash: r.hash,
    at: r.at,
  }));
}

export async function getApproval(sql: Sql, id: string): Promise<ApprovalView> {
  const { rows } = await sql.query(`select * from approval_requests where id = $1`, [id]);
  if (!rows[0]) throw notFound(`Approval request ${id}`);
  return toView(rows[0], await decisionsOf(sql, id));
}

/** Whether `actor` may decide this request, or the rule that refuses them. */
export function eligibility(actor: Actor, request: Pick<ApprovalView, "eligibleRoles" | "eligibleUsers" | "requestedBy" | "allowRequester">): string | null {
  if (!can(actor.role, "approvals.decide")) return "Deciding approvals needs the approvals.decide permission (role approver or admin).";
  const named = actor.type === "user" && request.eligibleUsers.map((u) => u.toLowerCase()).includes(actor.email.toLowerCase());
  if (!named && !request.eligibleRoles.includes(actor.role)) {
    return `This request may be decided by ${[...request.eligibleRoles.map((r) => `role ${r}`), ...request.eligibleUsers].join(" or ")}; you are ${actor.role}.`;
  }
  if (!request.allowRequester && actorLabel(actor) === request.requestedBy) return "You started this run: nobody approves their own request.";
  return null;
}

/** The request under its run's lock (taken first, as by every change to a run and its steps). */
async function lockRequest(tx: Sql, id: string) {
  const { rows: found } = await tx.query(`select run_id from approval_requests where id = $1`, [id]);
  if (!found[0]) throw notFound(`Approval request ${id}`);
  await lockRun(tx, found[0].run_id);
  const { rows } = await tx.query(`select * from approval_requests where id = $1 for update`, [id]);
  return { row: rows[0] as { step_run_id: string; attempt: number }, request: toView(rows[0], await decisionsOf(tx, id)) };
}

/** A person's decision. Answers the request as it is afterwards. */
export async function decide(deps: EngineDeps, id: string, actor: Actor, input: { decision: Decision; comment?: string }): Promise<ApprovalView> {
  const who = actorLabel(actor);
  const result = await transaction(deps.pool, async (tx): Promise<"done" | "run_gone"> => {
    const { row, request } = await lockRequest(tx, id);
    // The run stopped waiting (cancelled, step skipped): the request closes as cancelled.
    const { rows: waiting } = await tx.query(`select 1 from step_runs where id = $1 and attempt = $2 and status = 'waiting'`, [row.step_run_id, row.attempt]);
    if (!waiting[0] && allows(request.state, "cancel")) {
      await appendDecision(tx, id, { actor: "system:engine", role: null, decision: "cancel", fromState: request.state, toState: "cancelled", comment: "the run no longer waits for this request", dataHash: request.dataHash });
      await tx.query(`update approval_requests set state = 'cancelled', updated_at = now(), closed_at = now() where id = $1`, [id]);
      return "run_gone";
    }
    if (!allows(request.state, input.decision)) throw conflict(`This request is ${request.state.replaceAll("_", " ")}; it can no longer be decided.`, { state: request.state });
    const refusal = eligibility(actor, request);
    if (refusal) throw forbidden(refusal);
    if ((input.decision === "reject" || input.decision === "request_changes") && !input.comment?.trim()) {
      throw unprocessable("Say why: a comment is required to reject or to request changes.", [{ path: "comment", message: "Required for reject and request_changes." }]);
    }
    // Approvals count since the data was last (re)submitted.
    const sinceSubmitted = request.decisions.slice(request.decisions.findLastIndex((d) => d.decision === "resubmit" || d.decision === "request") + 1);
    // Whoever resubmitted the data does not approve their own changes.
    const lastResubmit = request.decisions.findLast((d) => d.decision === "resubmit");
    if (input.decision === "approve" && lastResubmit?.actor === who) throw forbidden("You resubmitted this request: somebody else approves your changes.");
    if (input.decision === "approve" && sinceSubmitted.some((d) => d.decision === "approve" && d.actor === who)) {
      throw conflict("You have already approved this request; another person's approval is needed.", { state: request.state });
    }
    const approvals = new Set(sinceSubmitted.filter((d) => d.decision === "approve").map((d) => d.actor)).size + (input.decision === "approve" ? 1 : 0);
    const to: ApprovalState =
      input.decision === "reject" ? "rejected" : input.decision === "request_changes" ? "changes_requested" : approvals >= request.quorum ? "approved" : "pending_approval";
    if (!canMove(request.state, input.decision, to)) throw conflict(`A request that is ${request.state} cannot become ${to}.`, { state: request.state });

    await appendDecision(tx, id, { actor: who, role: actor.role, decision: input.decision, fromState: request.state, toState: to, comment: input.comment?.trim() || null, dataHash: request.dataHash });
    const closed = to === "approved" || to === "rejected";
    await tx.query(`update approval_requests set state = $2, updated_at = now(), closed_at = case when $3 then now() end where id = $1`, [id, to, closed]);
    await insertEvents(tx, [
      {
        runId: request.runId,
        stepRunId: row.step_run_id,
        nodeId: request.nodeId,
        type: "approval.decided",
        actor: who,
        data: { requestId: id, decision: input.decision, from: request.state, to, ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}), approvals, quorum: request.quorum },
      },
    ]);
    if (!closed) return "done";
    const decisionsMade = [...sinceSubmitted, { actor: who, decision: input.decision }].map((d) => ({ actor: d.actor, decision: d.decision }));
    const outcome = await resumeWaitInTransaction(
      tx,
      deps,
      { runId: request.runId, stepRunId: row.step_run_id, attempt: row.attempt },
      { output: { decision: to, requestId: id, decisions: decisionsMade }, branch: to },
      who,
    );
    // Checked above under the run's lock; fencing makes sure of it.
    if (outcome === "stale") throw conflict("The run no longer waits for this request.", { state: request.state });
    return "done";
  });
  if (result === "run_gone") throw conflict("The run no longer waits for this request (it was cancelled, or the step was skipped); the request is closed as cancelled.", { state: "cancelled" });
  return getApproval(deps.pool, id);
}

/** Requests newest first; with `assignedTo: "me"`, the open ones `actor` may decide now. */
export async function listApprovals(sql: Sql, actor: Actor, query: { status: "open" | "decided" | "all"; assignedTo?: "me"; workflowId?: string; limit: number }) {
  const who = actorLabel(actor);
  const { rows } = await sql.query(
    `select a.*, w.name as workflow_name from approval_requests a join workflows w on w.id = a.workflow_id
      where ($1 = 'all' or ($1 = 'open') = (a.state in ('pending_approval', 'changes_requested')))
        and ($2::uuid is null or a.workflow_id = $2)
        and (not $3 or (a.state = 'pending_approval'
             and ($4 = any(a.eligible_roles) or lower($5) = any(select lower(u) from unnest(a.eligible_users) u))
             and (a.allow_requester or a.requested_by <> $6)
             and not exists (select 1 from approval_decisions d where d.request_id = a.id and d.actor = $6 and d.decision = 'approve'
                               and d.seq > coalesce((select max(seq) from approval_decisions r where r.request_id = a.id and r.decision = 'resubmit'), 0))))
      order by a.created_at desc limit $7`,
    [query.status, query.workflowId ?? null, query.assignedTo === "me" && can(actor.role, "approvals.decide"), actor.role, actor.type === "user" ? actor.email : "", who, query.limit],
  );
  // Without decisions (GET /approvals/:id has them, and the chain's verdict).
  // Without decisions: GET /approvals/:id has them, and the chain's verdict.
  return { approvals: rows.map((r) => ({ ...requestView(r), workflowName: r.workflow_name as string })) };
}

/**
 * After changes were requested: new data (or the same) with a comment, by the run's starter or
 * an editor. The request is pending again and approvals count from here.
 */
export async function resubmit(deps: EngineDeps, id: string, actor: Actor, input: { data?: unknown; comment: string }): Promise<ApprovalView> {
  const who = actorLabel(actor);
  await transaction(deps.pool, async (tx) => {
    const { row, request } = await lockRequest(tx, id);
    if (!allows(request.state, "resubmit")) throw conflict(`This request is ${request.state.replaceAll("_", " ")}; only a request with changes requested can be resubmitted.`, { state: request.state });
    if (who !== request.requestedBy && !can(actor.role, "workflows.write")) throw forbidden("Resubmitting needs to be the run's starter or an editor.");
    const data = input.data === undefined ? request.data : input.data;
    const hash = dataHash(data);
    await appendDecision(tx, id, { actor: who, role: actor.role, decision: "resubmit", fromState: request.state, toState: "pending_approval", comment: input.comment, dataHash: hash });
    await tx.query(`update approval_requests set state = 'pending_approval', data = $2::jsonb, data_hash = $3, data_version = data_version + 1, updated_at = now() where id = $1`, [
      id,
      JSON.stringify(data ?? null),
      hash,
    ]);
    await insertEvents(tx, [
      { runId: request.runId, stepRunId: row.step_run_id, nodeId: request.nodeId, type: "approval.resubmitted", actor: who, data: { requestId: id, dataVersion: request.dataVersion + 1, comment: input.comment } },
    ]);
  });
  return getApproval(deps.pool, id);
}
