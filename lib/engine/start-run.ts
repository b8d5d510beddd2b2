// Starting a run: pin it to a published version, check its input, honour Idempotency-Key, then
// (in one transaction) create the run, complete its start step with the input and hand off to
// the steps after it. Replays reuse the outputs of steps before a chosen node.
import type { ErrorObject } from "ajv";
import { conflict, notFound, unprocessable, ApiError, type FieldError } from "../api/errors.ts";
import { advance, handOff } from "./advance.ts";
import type { LockedRun } from "./run-lock.ts";
import { insertEvents, type RunEventInput } from "./events.ts";
import { requestHash } from "./hash.ts";
import { reachable } from "../workflow/graph.ts";
import { transaction, valuesList, type Sql } from "./tx.ts";
import { loadVersion, type CompiledVersion } from "./versions.ts";
import { holdIfFull } from "./run-slots.ts";
import type { EngineDeps } from "./deps.ts";
import { isFinishedRun, type RunStatus } from "./states.ts";
import { chooseVersion, type VersionReason } from "../workflows/rollout.ts";
import { contextOf, endSpan, startSpan, traceparentOf } from "../tracing/tracing.ts";

export interface StartRunInput {
  workflowId: string;
  /** Published version number; the workflow's active version when absent. */
  version?: number;
  input: unknown;
  idempotencyKey?: string;
  correlationId?: string;
  /** POSTed the result when the run ends (a trigger queues it; workers deliver it). */
  callbackUrl?: string;
  actor: string;
  replay?: { sourceRunId: string; fromNodeId: string };
  /** The trigger that started it, recorded on the run (and what fired it, in its first event). */
  trigger?: { id: string; kind: string; name: string; scheduledAt?: string; webhookId?: string };
  /** A sub-workflow's run: the run and step that started it (which wait for its end). */
  parent?: { runId: string; stepRunId: string; nodeId: string };
  /** The span it is started under (the request's, or the step's that started a sub-workflow). */
  traceParent?: string;
}

/** How deep sub-workflows may nest: a run this many levels below a top-level run is refused,
 * which also stops workflows that call each other in a way publishing could not see. */
export const MAX_SUBWORKFLOW_DEPTH = 10;

export interface StartedRun {
  id: string;
  status: RunStatus;
  /** True when an earlier request with the same Idempotency-Key had already started it. */
  existing: boolean;
}

/** Ajv's errors as field errors under `root` (`input` for a run's input, `body` for a webhook's). */
export function schemaErrors(errors: ErrorObject[] | null | undefined, root = "input", owner = "the workflow's input schema"): FieldError[] {
  return (errors ?? []).map((e) => {
    const path = [root, ...e.instancePath.split("/").filter(Boolean)];
    if (e.keyword === "required") path.push(String(e.params.missingProperty));
    if (e.keyword === "additionalProperties") path.push(String(e.params.additionalProperty));
    const field = path.join(".");
    const message =
      e.keyword === "required"
        ? `Add ${field}: ${owner} requires it.`
        : e.keyword === "additionalProperties"
          ? `Remove ${field}: ${owner} does not allow it.`
          : `${field} ${e.message ?? `does not match ${owner}`}.`;
    return { path: field, message };
  });
}

/** The version a run gets: the one asked for (pinned), or the active one unless a canary
 * rollout picks a canary for it (lib/workflows/rollout.ts). */
async function resolveVersion(sql: Sql, workflowId: string, number: number | undefined, input: unknown): Promise<{ version: CompiledVersion; reason: VersionReason; bucket?: number }> {
  const { rows } = await sql.query(`select active_version, rollout from workflows where id = $1 and deleted_at is null`, [workflowId]);
  if (!rows[0]) throw notFound(`Workflow ${workflowId}`);
  if (number === undefined && rows[0].active_version === null) {
    throw conflict("This workflow has no published version yet; publish the draft first.", { state: "unpublished" });
  }
  const chosen = number === undefined ? await chooseVersion(workflowId, rows[0].active_version, rows[0].rollout, input) : { number, reason: "pinned" as const };
  const { rows: version } = await sql.query(`select id from workflow_versions where workflow_id = $1 and number = $2`, [workflowId, chosen.number]);
  if (!version[0]) throw unprocessable(`Version ${number} of this workflow does not exist.`, [{ path: "version", message: `no version ${number}` }]);
  return { version: await loadVersion(sql, version[0].id), reason: chosen.reason, ...(chosen.bucket !== undefined ? { bucket: chosen.bucket } : {}) };
}

export async function startRun(deps: EngineDeps, request: StartRunInput): Promise<StartedRun> {
  const prepared = await prepareRun(deps.pool, request);
  return transaction(deps.pool, (tx) => createRun(tx, deps, request, prepared));
}

/** startRun in the caller's transaction: a sub-workflow's run is created together with its
 * parent step beginning to wait for it, so that its end can never come before that wait. */
export async function startRunInTransaction(tx: Sql, deps: EngineDeps, request: StartRunInput): Promise<StartedRun> {
  if (request.parent) await checkDepth(tx, request.parent.runId);
  // A child run joins its parent's trace (under the parent run's span, unless a step's is given).
  if (request.parent && !request.traceParent) {
    const { rows } = await tx.query(`select trace_parent from runs where id = $1`, [request.parent.runId]);
    request = { ...request, traceParent: rows[0]?.trace_parent ?? undefined };
  }
  return createRun(tx, deps, request, await prepareRun(tx, request));
}

/** Refuses a sub-workflow run nested deeper than MAX_SUBWORKFLOW_DEPTH, naming the chain. */
async function checkDepth(sql: Sql, parentRunId: string) {
  const { rows } = await sql.query(
    `with recursive chain(id, parent, depth, name) as (
       select r.id, r.parent_run_id, 1, w.name from runs r join workflows w on w.id = r.workflow_id where r.id = $1
       union all
       select r.id, r.parent_run_id, c.depth + 1, w.name from chain c join runs r on r.id = c.parent join workflows w on w.id = r.workflow_id where c.depth <= $2
     ) select name from chain order by depth desc`,
    [parentRunId, MAX_SUBWORKFLOW_DEPTH],
  );
  if (rows.length > MAX_SUBWORKFLOW_DEPTH - 1) {
    const names = rows.map((r) => r.name as string);
    throw unprocessable(`Sub-workflows nest at most ${MAX_SUBWORKFLOW_DEPTH} deep; this run would be level ${rows.length + 1} (${names.slice(0, 4).join(" → ")} → …). Do the workflows call each other?`, [
      { path: "workflowId", message: `nesting deeper than ${MAX_SUBWORKFLOW_DEPTH}` },
    ]);
  }
}

interface PreparedRun {
  version: CompiledVersion;
  reason: VersionReason;
  source?: { versionId: string };
  hash: string;
  deadline: Date | null;
  created: Record<string, unknown>;
}

async function prepareRun(sql: Sql, request: StartRunInput): Promise<PreparedRun> {
  const source = request.replay ? await replaySource(sql, request.workflowId, request.replay) : undefined;
  const chosen = source ? { version: await loadVersion(sql, source.versionId), reason: "replay" as const } : await resolveVersion(sql, request.workflowId, request.version, request.input);
  const { version, reason } = chosen;
  if (version.validateInput && !version.validateInput(request.input)) {
    throw unprocessable("The input does not match the workflow's input schema.", schemaErrors(version.validateInput.errors));
  }
  // What was asked, not what was chosen: a canary rollout may pick another version for a retry.
  const hash = requestHash({ input: request.input, version: request.replay ? version.number : (request.version ?? null), replay: request.replay ?? null, callbackUrl: request.callbackUrl ?? null });
  const deadline = version.runTimeoutMs ? new Date(Date.now() + version.runTimeoutMs) : null;

  const created = {
    version: version.number,
    versionReason: reason,
    ...("bucket" in chosen && chosen.bucket !== undefined ? { rolloutBucket: chosen.bucket } : {}),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
    ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    // The host only: a callback URL may carry a secret in its path or query.
    ...(request.callbackUrl ? { callbackHost: new URL(request.callbackUrl).host } : {}),
    ...(request.replay ? { replayOf: request.replay.sourceRunId, fromNodeId: request.replay.fromNodeId } : {}),
    ...(request.trigger ? { trigger: request.trigger } : {}),
    ...(request.parent ? { parentRunId: request.parent.runId, parentNodeId: request.parent.nodeId } : {}),
  };
  return { version, reason, source, hash, deadline, created };
}

async function createRun(tx: Sql, deps: EngineDeps, request: StartRunInput, prepared: PreparedRun): Promise<StartedRun> {
  // The run's own span (when tracing is on): its steps' spans, in any worker, are its children.
  const span = startSpan("run", contextOf(request.traceParent), { "baton.workflow_id": request.workflowId, "baton.workflow.version": prepared.version.number, "baton.version_reason": prepared.reason });
  try {
    const started = await insertRun(tx, deps, request, prepared, traceparentOf(span) ?? null);
    span.setAttributes({ "baton.run_id": started.id, "baton.existing": started.existing });
    endSpan(span);
    return started;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

async function insertRun(tx: Sql, deps: EngineDeps, request: StartRunInput, { version, reason, source, hash, deadline, created }: PreparedRun, traceParent: string | null): Promise<StartedRun> {
  // One statement: the run, its start step (done: its output is the input), and their events.
  // A repeated Idempotency-Key inserts nothing and returns nothing.
  const { rows } = await tx.query({
    name: "create-run",
    text: `with run as (
             insert into runs (workflow_id, version_id, version_number, status, input, idempotency_key, request_hash, correlation_id, replay_of, created_by, deadline_at, callback_url, trigger_id, parent_run_id, parent_step_run_id, version_reason, trace_parent)
             values ($1, $2, $3, 'queued', $4::jsonb, $5, $6, $7, $8, $9, $10, $13, $15, $16, $17, $18, $19)
             on conflict (workflow_id, idempotency_key) do nothing
             returning id, status
           ), start as (
             insert into step_runs (run_id, node_id, type, status, attempt, max_attempts, output, queued_at, started_at, finished_at)
             select id, $11, $14, 'succeeded', 1, 1, $4::jsonb, clock_timestamp(), clock_timestamp(), clock_timestamp() from run
             returning id, run_id
           ), events as (
             insert into run_events (run_id, step_run_id, node_id, type, actor, data)
             select id, null, null, 'run.created', $9, $12::jsonb from run
             union all
             select run_id, id, $11, 'step.succeeded', $9, '{"attempt": 1, "durationMs": 0}'::jsonb from start
           )
           select id, status from run`,
    values: [
      request.workflowId,
      version.id,
      version.number,
      JSON.stringify(request.input ?? null),
      request.idempotencyKey ?? null,
      hash,
      request.correlationId ?? null,
      request.replay?.sourceRunId ?? null,
      request.actor,
      deadline,
      version.entry.id,
      JSON.stringify(created),
      request.callbackUrl ?? null,
      version.entry.type,
      request.trigger?.id ?? null,
      request.parent?.runId ?? null,
      request.parent?.stepRunId ?? null,
      reason,
      traceParent,
    ],
  });
  if (!rows[0]) {
    // The same key started a run before (or concurrently, and that transaction has committed).
    const { rows: existing } = await tx.query(`select id, status, request_hash from runs where workflow_id = $1 and idempotency_key = $2`, [
      request.workflowId,
      request.idempotencyKey,
    ]);
    if (existing[0].request_hash !== hash) {
      throw new ApiError(422, "idempotency-key-reused", `Idempotency-Key "${request.idempotencyKey}" was already used for a different request (run ${existing[0].id}).`, {
        runId: existing[0].id,
      });
    }
    return { id: existing[0].id, status: existing[0].status, existing: true };
  }

  const run: LockedRun = { id: rows[0].id, workflowId: request.workflowId, versionId: version.id, status: "queued", startedAt: null, parentStepRunId: request.parent?.stepRunId ?? null };
  if (request.replay && source) await insertEvents(tx, await copyReusedSteps(tx, run.id, version, request.replay, request.actor));
  if (await holdIfFull(tx, run, version, request.actor)) return { id: run.id, status: run.status, existing: false };
  if (request.replay) await advance(tx, deps, run, version, request.actor);
  else await handOff(tx, deps, [{ run, version, nodeIds: [version.entry.id], actor: request.actor }]);
  return { id: run.id, status: run.status, existing: false };
}

async function replaySource(sql: Sql, workflowId: string, replay: { sourceRunId: string; fromNodeId: string }) {
  const { rows } = await sql.query(`select id, status, version_id from runs where id = $1 and workflow_id = $2`, [replay.sourceRunId, workflowId]);
  if (!rows[0]) throw notFound(`Run ${replay.sourceRunId}`);
  if (!isFinishedRun(rows[0].status)) {
    throw conflict(`Run ${replay.sourceRunId} is ${rows[0].status}; only finished runs can be replayed.`, { state: rows[0].status });
  }
  const version = await loadVersion(sql, rows[0].version_id);
  if (!version.graph.nodes.has(replay.fromNodeId)) {
    throw unprocessable(`Node ${replay.fromNodeId} is not in version ${version.number} of this workflow.`, [{ path: "fromNodeId", message: "is not a node of the run's version" }]);
  }
  return { versionId: rows[0].version_id as string };
}

/** Steps outside the replayed part (not `fromNodeId`, nor after it) keep their source outputs. */
async function copyReusedSteps(tx: Sql, runId: string, version: CompiledVersion, replay: { sourceRunId: string; fromNodeId: string }, actor: string): Promise<RunEventInput[]> {
  const rerun = reachable(version.graph, replay.fromNodeId);
  const { rows } = await tx.query(
    `select id, node_id, type, status, output, branch, reason, attempt from step_runs
      where run_id = $1 and iteration = 0 and status in ('succeeded', 'skipped') and node_id <> $2`,
    [replay.sourceRunId, version.entry.id],
  );
  const reused = rows.filter((r) => !rerun.has(r.node_id));
  if (reused.length === 0) return [];
  const { text, values } = valuesList(
    reused.map((r) => [runId, r.node_id, r.type, r.status, r.attempt, r.attempt, JSON.stringify(r.output), r.branch, r.reason, r.id]),
    ["uuid", "text", "text", "step_status", "int", "int", "jsonb", "text", "text", "uuid"],
  );
  const { rows: created } = await tx.query(
    `insert into step_runs (run_id, node_id, type, status, attempt, max_attempts, output, branch, reason, reused_from, finished_at)
     select v.*, now() from (values ${text}) as v returning id, node_id, reused_from`,
    values,
  );
  return created.map((c) => ({ runId, stepRunId: c.id, nodeId: c.node_id, type: "step.reused", actor, data: { from: c.reused_from, sourceRunId: replay.sourceRunId } }));
}
