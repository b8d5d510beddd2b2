// Approval requests. An approval step's attempt asks to wait (kind "approval") and its request is
// written in that same transaction (recordRequest). People decide through decide(): the decision
// row (a link of the request's hash chain), the request's new state, the run event and, once the
// request closes, the run going on down the decision's branch, all commit together, fenced on
// the step still waiting on that attempt.
import { conflict, forbidden, notFound, unprocessable, type ApiError } from "../api/errors.ts";
import { actorLabel, type Actor } from "../auth/actor.ts";
import { can } from "../auth/permissions.ts";
import type { EngineDeps } from "../engine/deps.ts";
import { insertEvents } from "../engine/events.ts";
import { lockRun } from "../engine/run-lock.ts";
import { transaction, type Sql } from "../engine/tx.ts";
import { loadVersion } from "../engine/versions.ts";
import type { RecordWait } from "../engine/wait.ts";
import { resumeWaitInTransaction } from "../engine/wait.ts";
import { appendDecision, dataHash, decisionsOf, verifyChain, type DecisionRow } from "./chain.ts";
import { allows, canMove, type ApprovalState, type Decision } from "./states.ts";

export type { DecisionRow } from "./chain.ts";

/** What happens at the deadline, and the reminders (the step's config, in milliseconds). */
export interface ApprovalPolicy {
  onDeadline: "reject" | "approve" | "escalate";
  escalateRoles: string[];
  escalateUsers: string[];
  escalationMs?: number;
  remindEveryMs?: number;
}

export interface RequestSpec {
  title: string;
  description?: string;
  data?: unknown;
  roles: string[];
  users: string[];
  quorum: number;
  allowRequester: boolean;
  /** The deadline is the wait's end (step_runs.wait_until), as the executor asked for it. */
  policy: ApprovalPolicy;
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
  /** The data before the last resubmission, when there was one. */
  previousData: unknown;
  dataHash: string;
  dataVersion: number;
  eligibleRoles: string[];
  eligibleUsers: string[];
  /** Who approved since the data was last (re)submitted. */
  approvedBy: string[];
  quorum: number;
  allowRequester: boolean;
  requestedBy: string;
  deadlineAt: Date | null;
  policy: ApprovalPolicy;
  escalations: number;
  reminders: number;
  createdAt: Date;
  closedAt: Date | null;
  decisions: DecisionRow[];
  /** Whether every decision row's hash matches its content and the row before it. */
  chainVerified: boolean;
}

/** The wait's record: the request, its first link, and the run event, with the wait itself. */
export function recordRequest(spec: RequestSpec): RecordWait {
  return async (tx, waiting) => {
    const hash = dataHash(spec.data);
    const { rows } = await tx.query(
      `insert into approval_requests (run_id, step_run_id, attempt, workflow_id, node_id, title, description, data, data_hash, eligible_roles, eligible_users, quorum, allow_requester,
                                      requested_by, policy, deadline_at, next_reminder_at)
       select r.id, $2, $3, r.workflow_id, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, r.created_by, $13::jsonb,
              (select wait_until from step_runs where id = $2), now() + make_interval(secs => $14::float8 / 1000)
         from runs r where r.id = $1
       returning id`,
      [
        waiting.runId,
        waiting.stepRunId,
        waiting.attempt,
        waiting.nodeId,
        spec.title,
        spec.description ?? "",
        JSON.stringify(spec.data ?? null),
        hash,
        spec.roles,
        spec.users.map((u) => u.toLowerCase()),
        spec.quorum,
        spec.allowRequester,
        JSON.stringify(spec.policy),
        spec.policy.remindEveryMs ?? null,
      ],
    );
    const requestId: string = rows[0].id;
    await appendDecision(tx, requestId, { actor: waiting.actor, role: null, decision: "request", fromState: "", toState: "pending_approval", comment: null, dataHash: hash });
    await insertEvents(tx, [
      { runId: waiting.runId, stepRunId: waiting.stepRunId, nodeId: waiting.nodeId, type: "approval.requested", actor: waiting.actor, data: { requestId, title: spec.title } },
    ]);
  };
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
    previousData: r.previous_data,
    dataHash: r.data_hash,
    dataVersion: r.data_version,
    eligibleRoles: r.eligible_roles,
    eligibleUsers: r.eligible_users,
    approvedBy: r.approved_by ?? [],
    quorum: r.quorum,
    allowRequester: r.allow_requester,
    requestedBy: r.requested_by,
    deadlineAt: r.deadline_at,
    policy: r.policy,
    escalations: r.escalations,
    reminders: r.reminders,
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}

export async function getApproval(sql: Sql, id: string): Promise<ApprovalView> {
  const { rows } = await sql.query(`select * from approval_requests where id = $1`, [id]);
  if (!rows[0]) throw notFound(`Approval request ${id}`);
  const decisions = await decisionsOf(sql, id);
  return { ...requestView(rows[0]), decisions, chainVerified: verifyChain(id, decisions) };
}

/** Who may decide, in words: "role approver", "ann@example.com". */
export const decidersOf = (r: Pick<ApprovalView, "eligibleRoles" | "eligibleUsers">) => [...r.eligibleRoles.map((role) => `role ${role}`), ...r.eligibleUsers];

/** Whether `actor` may decide this request, or the rule that refuses them. */
export function eligibility(actor: Actor, request: Pick<ApprovalView, "eligibleRoles" | "eligibleUsers" | "requestedBy" | "allowRequester">): string | null {
  if (!can(actor.role, "approvals.decide")) return "Deciding approvals needs the approvals.decide permission (role approver or admin).";
  // Stored lower-cased (recordRequest, passDeadline).
  const named = actor.type === "user" && request.eligibleUsers.includes(actor.email.toLowerCase());
  if (!named && !request.eligibleRoles.includes(actor.role)) {
    return `This request may be decided by ${decidersOf(request).join(" or ")}; you are ${actor.role}.`;
  }
  if (!request.allowRequester && actorLabel(actor) === request.requestedBy) return "You started this run: nobody approves their own request.";
  return null;
}

interface LockedRequest {
  request: ApprovalView;
  step: { runId: string; stepRunId: string; attempt: number };
  versionId: string;
}

/** The request under its run's lock (taken first, as by every change to a run and its steps). */
async function lockRequest(tx: Sql, id: string): Promise<LockedRequest> {
  const { rows: found } = await tx.query(`select run_id from approval_requests where id = $1`, [id]);
  if (!found[0]) throw notFound(`Approval request ${id}`);
  const run = await lockRun(tx, found[0].run_id);
  const { rows } = await tx.query(`select * from approval_requests where id = $1 for update`, [id]);
  const decisions = await decisionsOf(tx, id);
  return {
    request: { ...requestView(rows[0]), decisions, chainVerified: verifyChain(id, decisions) },
    step: { runId: rows[0].run_id, stepRunId: rows[0].step_run_id, attempt: rows[0].attempt },
    versionId: run!.versionId,
  };
}

/** The decisions that count: those since the data was last (re)submitted. */
const sinceSubmitted = (request: ApprovalView) => request.decisions.slice(request.decisions.findLastIndex((d) => d.decision === "resubmit" || d.decision === "request") + 1);

/** The request closes as `to` and its step goes on down `branch`, in the caller's transaction. */
async function closeAndResume(tx: Sql, deps: EngineDeps, locked: LockedRequest, to: ApprovalState, branch: string, actor: string) {
  const { request } = locked;
  await tx.query(`update approval_requests set state = $2, updated_at = now(), closed_at = now() where id = $1`, [request.id, to]);
  const decisions = sinceSubmitted(await getApproval(tx, request.id))
    .filter((d) => d.decision !== "escalate")
    .map((d) => ({ actor: d.actor, decision: d.decision, comment: d.comment }));
  const outcome = await resumeWaitInTransaction(tx, deps, locked.step, { output: { decision: to, requestId: request.id, decisions }, branch }, actor);
  // Requests close with their step (lib/approvals/chain.ts cancelRequestsOf); fencing makes sure.
  if (outcome === "stale") throw conflict("The run no longer waits for this request.", { state: request.state });
}

/** Whether the approval node has an edge from its changes_requested handle in the run's version. */
async function branchesOnChanges(tx: Sql, locked: LockedRequest): Promise<boolean> {
  const version = await loadVersion(tx, locked.versionId);
  return (version.graph.outgoing.get(locked.request.nodeId) ?? []).some((e) => e.sourceHandle === "changes_requested");
}

/**
 * Why `actor` may not make this move on the request now (the error decide() and resubmit() answer),
 * or null. The one place for these rules; the inbox shows them on its buttons (actionsFor).
 */
export function refusal(actor: Actor, request: ApprovalView, move: Decision | "resubmit"): ApiError | null {
  const who = actorLabel(actor);
  if (move === "resubmit") {
    if (request.closedAt || !allows(request.state, "resubmit")) return closedConflict(request, "only an open request with changes requested can be resubmitted");
    return who === request.requestedBy || can(actor.role, "workflows.write") ? null : forbidden("Resubmitting needs to be the run's starter or an editor.");
  }
  if (request.closedAt || !allows(request.state, move)) return closedConflict(request, "it can no longer be decided");
  const rule = eligibility(actor, request);
  if (rule) return forbidden(rule);
  if (move !== "approve") return null;
  // Whoever resubmitted the data does not approve their own changes.
  if (request.decisions.findLast((d) => d.decision === "resubmit")?.actor === who) return forbidden("You resubmitted this request: somebody else approves your changes.");
  if (request.approvedBy.includes(who)) {
    return conflict("You have already approved this request; another person's approval is needed.", { state: request.state });
  }
  return null;
}

/** For each move, why the caller may not make it now, or null (GET /approvals/:id `you`). */
export const actionsFor = (actor: Actor, request: ApprovalView) =>
  Object.fromEntries((["approve", "reject", "request_changes", "resubmit"] as const).map((m) => [m, refusal(actor, request, m)?.message ?? null])) as Record<
    Decision | "resubmit",
    string | null
  >;

const closedConflict = (request: ApprovalView, what: string) =>
  conflict(`This request is ${request.state.replaceAll("_", " ")}${request.closedAt ? " and closed" : ""}; ${what}.`, { state: request.state });

/** A person's decision (in `outer` when given: a link spent with it). Answers the request as it is afterwards. */
export async function decide(deps: EngineDeps, id: string, actor: Actor, input: { decision: Decision; comment?: string }, outer?: Sql): Promise<ApprovalView> {
  const who = actorLabel(actor);
  const comment = input.comment?.trim() || null;
  const inTransaction = (body: (tx: Sql) => Promise<void>) => (outer ? body(outer) : transaction(deps.pool, body));
  await inTransaction(async (tx) => {
    const locked = await lockRequest(tx, id);
    const { request } = locked;
    const refused = refusal(actor, request, input.decision);
    if (refused) throw refused;
    if (input.decision !== "approve" && !comment) {
      throw unprocessable("Say why: a comment is required to reject or to request changes.", [{ path: "comment", message: "Required for reject and request_changes." }]);
    }
    const approvals = request.approvedBy.length + (input.decision === "approve" ? 1 : 0);
    const to: ApprovalState =
      input.decision === "reject" ? "rejected" : input.decision === "request_changes" ? "changes_requested" : approvals >= request.quorum ? "approved" : "pending_approval";
    if (!canMove(request.state, input.decision, to)) throw closedConflict(request, `it cannot become ${to.replaceAll("_", " ")}`);

    await appendDecision(tx, id, { actor: who, role: actor.role, decision: input.decision, fromState: request.state, toState: to, comment, dataHash: request.dataHash });
    if (input.decision === "approve") await tx.query(`update approval_requests set approved_by = array_append(approved_by, $2) where id = $1`, [id, who]);
    await insertEvents(tx, [
      {
        ...eventAt(locked),
        type: "approval.decided",
        actor: who,
        data: { requestId: id, decision: input.decision, from: request.state, to, ...(comment ? { comment } : {}), approvals, quorum: request.quorum },
      },
    ]);
    // Changes requested: the workflow's own branch when drawn, else the request waits for a resubmission.
    const closes = to === "approved" || to === "rejected" || (to === "changes_requested" && (await branchesOnChanges(tx, locked)));
    if (closes) await closeAndResume(tx, deps, locked, to, to, who);
    else await tx.query(`update approval_requests set state = $2, updated_at = now() where id = $1`, [id, to]);
  });
  return getApproval(outer ?? deps.pool, id);
}

const eventAt = (locked: LockedRequest) => ({ runId: locked.step.runId, stepRunId: locked.step.stepRunId, nodeId: locked.request.nodeId });

/**
 * After changes were requested: new data (or the same) with a comment, by the run's starter or
 * an editor. The request is pending again and approvals count from here.
 */
export async function resubmit(deps: EngineDeps, id: string, actor: Actor, input: { data?: unknown; comment: string }): Promise<ApprovalView> {
  const who = actorLabel(actor);
  await transaction(deps.pool, async (tx) => {
    const locked = await lockRequest(tx, id);
    const { request } = locked;
    const refused = refusal(actor, request, "resubmit");
    if (refused) throw refused;
    const data = input.data === undefined ? request.data : input.data;
    const hash = dataHash(data);
    await appendDecision(tx, id, { actor: who, role: actor.role, decision: "resubmit", fromState: request.state, toState: "pending_approval", comment: input.comment, dataHash: hash });
    await tx.query(
      `update approval_requests set state = 'pending_approval', previous_data = data, data = $2::jsonb, data_hash = $3, data_version = data_version + 1,
              approved_by = '{}', resubmitted_by = $4, updated_at = now() where id = $1`,
      [id, JSON.stringify(data ?? null), hash, who],
    );
    await insertEvents(tx, [{ ...eventAt(locked), type: "approval.resubmitted", actor: who, data: { requestId: id, dataVersion: request.dataVersion + 1, comment: input.comment } }]);
  });
  return getApproval(deps.pool, id);
}

/**
 * At the deadline: escalate once (new deciders, new deadline), or close as the policy says:
 * approved for `approve`, else expired down the rejected branch. "skipped" when the request
 * moved meanwhile (decided, or its deadline changed).
 */
export async function passDeadline(deps: EngineDeps, id: string, actor: string): Promise<"escalated" | "expired" | "approved" | "skipped"> {
  return transaction(deps.pool, async (tx) => {
    const locked = await lockRequest(tx, id);
    const { request } = locked;
    if (request.closedAt || !request.deadlineAt || request.deadlineAt.getTime() > Date.now()) return "skipped";
    const { policy } = request;
    const pending = request.state === "pending_approval";
    if (pending && policy.onDeadline === "escalate" && request.escalations === 0) {
      await appendDecision(tx, id, {
        actor,
        role: null,
        decision: "escalate",
        fromState: request.state,
        toState: "pending_approval",
        comment: `no decision by the deadline; now decided by ${decidersOf({ eligibleRoles: policy.escalateRoles, eligibleUsers: policy.escalateUsers }).join(", ")}`,
        dataHash: request.dataHash,
      });
      const { rows } = await tx.query(
        `update approval_requests set eligible_roles = $2, eligible_users = $3, escalations = escalations + 1, updated_at = now(),
                deadline_at = now() + make_interval(secs => $4::float8 / 1000) where id = $1 returning deadline_at`,
        [id, policy.escalateRoles, policy.escalateUsers.map((u) => u.toLowerCase()), policy.escalationMs ?? null],
      );
      const deadline: Date | null = rows[0].deadline_at;
      // The step waits until the new deadline (the stuck rule reads it).
      await tx.query(`update step_runs set wait_until = $3 where id = $1 and attempt = $2 and status = 'waiting'`, [locked.step.stepRunId, locked.step.attempt, deadline]);
      await insertEvents(tx, [
        { ...eventAt(locked), type: "approval.escalated", actor, data: { requestId: id, roles: policy.escalateRoles, users: policy.escalateUsers, ...(deadline ? { deadline: deadline.toISOString() } : {}) } },
      ]);
      return "escalated";
    }
    // Approving at the deadline applies to the first deadline of a pending request only.
    const to: ApprovalState = pending && policy.onDeadline === "approve" && request.escalations === 0 ? "approved" : "expired";
    const branch = to === "approved" ? "approved" : "rejected";
    await appendDecision(tx, id, { actor, role: null, decision: "expire", fromState: request.state, toState: to, comment: "the deadline passed", dataHash: request.dataHash });
    await insertEvents(tx, [{ ...eventAt(locked), type: "approval.expired", actor, data: { requestId: id, to, branch } }]);
    await closeAndResume(tx, deps, locked, to, branch, actor);
    return to;
  });
}

/** Reminds the deciders of an open request whose reminder is due (one run event per reminder). */
export async function remind(deps: EngineDeps, id: string, actor: string): Promise<boolean> {
  return transaction(deps.pool, async (tx) => {
    const locked = await lockRequest(tx, id);
    const { request } = locked;
    const { rows } = await tx.query(
      `update approval_requests set reminders = reminders + 1, next_reminder_at = now() + make_interval(secs => (policy->>'remindEveryMs')::float8 / 1000)
        where id = $1 and closed_at is null and next_reminder_at <= now() returning reminders`,
      [id],
    );
    if (!rows[0]) return false;
    await insertEvents(tx, [{ ...eventAt(locked), type: "approval.reminded", actor, data: { requestId: id, reminders: rows[0].reminders, waitingOn: decidersOf(request) } }]);
    return true;
  });
}

/** The sweeper's part for approvals: deadlines passed, reminders due. */
export async function sweepApprovals(deps: EngineDeps, actor = "system:sweeper") {
  const result = { escalated: 0, expired: 0, approved: 0, reminded: 0 };
  const { rows: overdue } = await deps.pool.query(`select id from approval_requests where deadline_at <= now() and closed_at is null order by deadline_at limit 200`);
  for (const { id } of overdue) {
    const outcome = await passDeadline(deps, id, actor);
    if (outcome !== "skipped") result[outcome]++;
  }
  const { rows: due } = await deps.pool.query(`select id from approval_requests where next_reminder_at <= now() and closed_at is null order by next_reminder_at limit 200`);
  for (const { id } of due) if (await remind(deps, id, actor)) result.reminded++;
  return result;
}
