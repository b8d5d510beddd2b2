import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { idempotencyKey, uuidParam } from "#lib/api/params.ts";
import { actorLabel } from "#lib/auth/actor.ts";
import { engine } from "#lib/engine/runtime.ts";
import { startRun } from "#lib/engine/start-run.ts";
import { getRun, statusUrl } from "#lib/runs/queries.ts";
import { waitForRun } from "#lib/runs/wait.ts";
import { assertEgressAllowed } from "#lib/net/outbound.ts";

/**
 * 202 with the run id and its status URL at once. With ?wait=<seconds> (up to 30): 200 with the
 * finished run if it ends in time, else 202. A repeated Idempotency-Key with the same body
 * answers with the run it started (header Idempotent-Replayed: true).
 */
export const POST = route(operations.startRun, async ({ params, body, query, actor, request, traceparent, log }) => {
  if (body.callbackUrl) await assertEgressAllowed(body.callbackUrl, "callbackUrl");
  const run = await startRun(await engine(), {
    workflowId: uuidParam(params.id, "Workflow"),
    version: body.version,
    input: body.input,
    correlationId: body.correlationId,
    callbackUrl: body.callbackUrl,
    idempotencyKey: idempotencyKey(request),
    actor: actorLabel(actor),
    traceParent: traceparent,
  });
  // The run's id on the request's lines too: one filter on runId finds them with the worker's.
  log.info({ runId: run.id, workflowId: params.id, existing: run.existing }, run.existing ? "run found by its idempotency key" : "run started");
  const headers = { location: statusUrl(run.id), ...(run.existing ? { "idempotent-replayed": "true" } : {}) };
  if (query.wait !== undefined && (await waitForRun(run.id, query.wait))) {
    return Response.json(await getRun(run.id), { status: 200, headers });
  }
  return Response.json({ id: run.id, status: run.status, statusUrl: statusUrl(run.id) }, { status: 202, headers });
});
