// Delivering result callbacks. A trigger on runs queues one in `run_callbacks` when a run with a
// callback URL ends (migration run_callbacks); workers claim due ones (SKIP LOCKED, so each goes
// to one worker), POST the run's result, and retry failures with capped exponential backoff and
// full jitter. Each delivery is a Standard Webhook signed with the workflow's secret
// (lib/workflows/signing.ts): `webhook-id` (also sent as Idempotency-Key) is the same on every
// retry, so a receiver recognises a repeat; a 410 answer stops all further deliveries to that URL.
// Outcomes are run events (callback.delivered/failed).
import { createHash } from "node:crypto";
import type pg from "pg";
import { Webhook } from "standardwebhooks";
import { callbackSecrets } from "../workflows/signing.ts";
import { backoffDelay, type RetryPolicy } from "./retry.ts";
import { insertEvents } from "./events.ts";
import { deliveryFailure, outboundFetch } from "../net/outbound.ts";

export const CALLBACK_POLICY: RetryPolicy = { maxAttempts: 8, initialDelayMs: 2_000, multiplier: 2, maxDelayMs: 5 * 60_000, jitter: "full" };
const TIMEOUT_MS = 10_000;
/** A claimed callback not settled in this long (its worker died) is due again. */
const CLAIM_MS = 60_000;
const ACTOR = "system:callbacks";

interface Due {
  id: string;
  run_id: string;
  url: string;
  attempts: number;
}

/** Claims due callbacks and delivers them; returns how many it tried. */
export async function deliverDueCallbacks(pool: pg.Pool, limit = 10): Promise<number> {
  const { rows } = await pool.query<Due>(
    `update run_callbacks c set attempts = c.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
      where c.id in (select id from run_callbacks where status = 'pending' and next_attempt_at <= now()
                     order by next_attempt_at for update skip locked limit $1)
      returning c.id::text, c.run_id, c.url, c.attempts`,
    [limit, CLAIM_MS / 1000],
  );
  await Promise.all(rows.map((due) => deliver(pool, due)));
  return rows.length;
}

async function deliver(pool: pg.Pool, due: Due) {
  let error: string | null = null;
  /** Set when retrying cannot help (the egress policy refuses the address). */
  let permanent = false;
  try {
    const payload = await resultOf(pool, due.run_id);
    if (await optedOut(pool, due.url)) {
      error = "an earlier callback to this URL was answered 410 Gone: Baton no longer delivers to it";
      permanent = true;
    } else {
      // Signed as a Standard Webhook with every live secret of the workflow (two during a rotation).
      const body = JSON.stringify(payload);
      const id = `baton-callback-${due.id}`;
      const at = new Date();
      const signatures = (await callbackSecrets(pool, payload.workflowId)).map((secret) => new Webhook(secret).sign(id, at, body));
      const response = await outboundFetch(due.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Baton",
          "idempotency-key": id,
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
          "webhook-signature": signatures.join(" "),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: "manual",
      });
      await response.body?.cancel();
      if (response.status === 410) {
        await pool.query(`insert into callback_opt_outs (url_hash, host, run_id) values ($1, $2, $3) on conflict do nothing`, [urlHash(due.url), host(due.url), due.run_id]);
        error = "HTTP 410 Gone: the receiver asked for no more deliveries; none will go to this URL again";
        permanent = true;
      } else if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    }
  } catch (e) {
    ({ message: error, permanent } = deliveryFailure(e, TIMEOUT_MS));
  }
  const client = await pool.connect();
  try {
    await client.query("begin");
    if (error === null) {
      await client.query(`update run_callbacks set status = 'delivered', delivered_at = now(), last_error = null where id = $1`, [due.id]);
      await insertEvents(client, [{ runId: due.run_id, type: "callback.delivered", actor: ACTOR, data: { attempt: due.attempts, host: host(due.url) } }]);
    } else if (permanent || due.attempts >= CALLBACK_POLICY.maxAttempts) {
      await client.query(`update run_callbacks set status = 'failed', last_error = $2 where id = $1`, [due.id, error]);
      await insertEvents(client, [{ runId: due.run_id, type: "callback.failed", actor: ACTOR, data: { attempts: due.attempts, error, host: host(due.url) } }]);
    } else {
      const delayMs = backoffDelay(CALLBACK_POLICY, due.attempts);
      await client.query(`update run_callbacks set last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where id = $1`, [due.id, error, delayMs / 1000]);
    }
    await client.query("commit");
  } catch (e) {
    await client.query("rollback").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

const host = (url: string) => URL.parse(url)?.host ?? "";
const urlHash = (url: string) => createHash("sha256").update(url).digest("hex");
const optedOut = async (pool: pg.Pool, url: string) => ((await pool.query(`select 1 from callback_opt_outs where url_hash = $1`, [urlHash(url)])).rowCount ?? 0) > 0;

/** What the receiver gets: the run's outcome, and where to read the rest. */
async function resultOf(pool: pg.Pool, runId: string) {
  const { rows } = await pool.query(
    `select r.id, r.workflow_id, w.name, r.version_number, r.status, r.output, r.error, r.correlation_id, r.created_at, r.finished_at
       from runs r join workflows w on w.id = r.workflow_id where r.id = $1`,
    [runId],
  );
  const r = rows[0];
  return {
    runId: r.id,
    workflowId: r.workflow_id,
    workflowName: r.name,
    version: r.version_number,
    status: r.status,
    output: r.output,
    error: r.error,
    correlationId: r.correlation_id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    statusUrl: `/api/v1/runs/${r.id}`,
  };
}
