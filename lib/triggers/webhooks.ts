// Receiving a webhook: read the raw body within the trigger's limit, verify it by the trigger's
// scheme (Standard Webhooks through its reference library; Stripe's and GitHub's signatures; or a
// secret URL token), check it against the trigger's JSON Schema, then start the workflow with the
// sender's delivery id as idempotency key, so a redelivery answers with the run it started. Every
// request is recorded as a delivery (the last 200 per trigger), accepted or not.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { ValidateFunction } from "ajv";
import { ApiError, badRequest, conflict, notFound, unauthorized, unprocessable } from "../api/errors.ts";
import type { EngineDeps } from "../engine/deps.ts";
import { schemaErrors, startRun } from "../engine/start-run.ts";
import { expressionPool } from "../expressions/pool.ts";
import { readLimited } from "../read-limited.ts";
import { getRun, statusUrl } from "../runs/queries.ts";
import { waitForRun } from "../runs/wait.ts";
import { compileInputSchema } from "../workflow/input-schema.ts";
import type { RunContext } from "../workflow/templates.ts";
import { defaultInputs, triggerActor, webhookConfig, type Verification, type WebhookConfig } from "./schemas.ts";
import { triggerSecrets } from "./triggers.ts";

/** How far a signed timestamp may be from now (Standard Webhooks and Stripe both use 5 minutes). */
export const TOLERANCE_SECONDS = 5 * 60;
const KEEP_DELIVERIES = 200;

interface Trigger {
  id: string;
  workflow_id: string;
  name: string;
  config: unknown;
  input: unknown;
  paused: boolean;
  pinned_version: number | null;
  secrets: unknown;
  updated_at: Date;
}

/** Headers that carry signatures or tokens: never passed on to the run. */
const PRIVATE_HEADERS = /^(authorization|cookie|webhook-signature|stripe-signature|x-hub-signature(-256)?|proxy-authorization)$/i;

export async function receiveWebhook(deps: EngineDeps, triggerId: string, request: Request, token?: string): Promise<Response> {
  const pool = deps.pool;
  const { rows } = await pool.query<Trigger>(
    `select id, workflow_id, name, config, input, paused, pinned_version, secrets, updated_at from triggers where id = $1 and kind = 'webhook' and deleted_at is null`,
    [triggerId],
  );
  const trigger = rows[0];
  if (!trigger) throw notFound(`Webhook ${triggerId}`);
  const config = webhookConfig.parse(trigger.config);
  let webhookId: string | undefined;
  try {
    if (trigger.paused) throw conflict("This webhook's trigger is paused; nothing was started.", { state: "paused" });
    const raw = await readBody(request, config.maxBodyBytes);
    webhookId = verify(config.verification, triggerSecrets(trigger), request.headers, raw, token);
    const body = parseBody(raw, request.headers.get("content-type"));
    const validate = bodySchema(trigger, config);
    if (validate && !validate(body)) throw unprocessable("The body does not match the webhook's schema.", schemaErrors(validate.errors, "body", "the webhook's schema"));

    const headers = Object.fromEntries([...request.headers].filter(([k]) => !PRIVATE_HEADERS.test(k)));
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const context = { trigger: { id: trigger.id, name: trigger.name, kind: "webhook", webhookId: webhookId ?? null }, body, headers, query };
    const input = await expressionPool().resolve(trigger.input ?? defaultInputs.webhook, context as unknown as RunContext);
    const run = await startRun(deps, {
      workflowId: trigger.workflow_id,
      ...(trigger.pinned_version ? { version: trigger.pinned_version } : {}),
      input,
      ...(webhookId ? { idempotencyKey: `hook:${trigger.id}:${webhookId}` } : {}),
      trigger: { id: trigger.id, kind: "webhook", name: trigger.name, ...(webhookId ? { webhookId } : {}) },
      actor: triggerActor(trigger),
    });
    const answered =
      config.response === "sync" && (await waitForRun(run.id, config.syncTimeoutMs / 1000))
        ? syncAnswer(await getRun(run.id, pool))
        : Response.json({ id: run.id, status: run.status, statusUrl: statusUrl(run.id) }, { status: 202 });
    answered.headers.set("location", statusUrl(run.id));
    if (run.existing) answered.headers.set("webhook-replayed", "true");
    await record(pool, trigger.id, { webhookId, status: answered.status, runId: run.id, duplicate: run.existing });
    return answered;
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 500;
    await record(pool, trigger.id, { webhookId, status, error: (error as Error).message }).catch(() => {});
    throw error;
  }
}

/** The sync answer: the run's outcome and output, 200 when it succeeded, 422 when it failed. */
function syncAnswer(run: Awaited<ReturnType<typeof getRun>>): Response {
  const body = { id: run.id, status: run.status, output: run.output ?? null, ...(run.error ? { error: run.error } : {}), statusUrl: statusUrl(run.id) };
  return Response.json(body, { status: run.status === "succeeded" ? 200 : 422 });
}

async function record(pool: EngineDeps["pool"], triggerId: string, d: { webhookId?: string; status: number; runId?: string; error?: string; duplicate?: boolean }) {
  await pool.query(`insert into webhook_deliveries (trigger_id, webhook_id, status, run_id, error, duplicate) values ($1, $2, $3, $4, $5, $6)`, [
    triggerId,
    d.webhookId?.slice(0, 200) ?? null,
    d.status,
    d.runId ?? null,
    d.error?.slice(0, 1000) ?? null,
    d.duplicate ?? false,
  ]);
  // Keep the newest; a flood of bad requests cannot grow the table without bound. Trimmed every
  // PRUNE_EVERY deliveries a process records for a trigger, not on each (a query saved per request).
  const seen = (recorded.get(triggerId) ?? 0) + 1;
  recorded.set(triggerId, seen % PRUNE_EVERY);
  if (seen % PRUNE_EVERY !== 1) return;
  await pool.query(
    `delete from webhook_deliveries where trigger_id = $1 and id in (select id from webhook_deliveries where trigger_id = $1 order by received_at desc offset ${KEEP_DELIVERIES})`,
    [triggerId],
  );
}

const PRUNE_EVERY = 50;
const recorded = new Map<string, number>();

async function readBody(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new ApiError(413, "payload-too-large", `The body exceeds this webhook's limit of ${limit} bytes.`, { limit });
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  return readLimited(request.body, limit, tooLarge);
}

function parseBody(raw: string, contentType: string | null): unknown {
  if (!raw.trim()) return null;
  if (contentType && !/json/i.test(contentType)) return contentType.includes("x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(raw)) : raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest("The body is not valid JSON.", [{ path: "body", message: "not valid JSON" }]);
  }
}

const schemas = new Map<string, ValidateFunction>();
/** The trigger's body schema, compiled once per version of the trigger. */
function bodySchema(trigger: Trigger, config: WebhookConfig): ValidateFunction | undefined {
  if (!config.schema) return undefined;
  const key = `${trigger.id}:${trigger.updated_at.getTime()}`;
  let validate = schemas.get(key);
  if (!validate) {
    validate = compileInputSchema(config.schema);
    schemas.set(key, validate);
  }
  return validate;
}

const refused = (message: string) => unauthorized(`The webhook was not verified: ${message}.`);

/** Verifies the request by the trigger's scheme with any live secret; returns the sender's
 * delivery id (for deduplication) or throws 401. */
export function verify(scheme: Verification, secrets: string[], headers: Headers, raw: string, token?: string): string | undefined {
  if (secrets.length === 0) throw refused("the trigger has no signing secret");
  switch (scheme) {
    case "standard": {
      const h = { "webhook-id": headers.get("webhook-id") ?? "", "webhook-timestamp": headers.get("webhook-timestamp") ?? "", "webhook-signature": headers.get("webhook-signature") ?? "" };
      let last = "no matching signature";
      for (const secret of secrets) {
        try {
          new Webhook(secret).verify(raw, h, { jsonParse: false });
          return h["webhook-id"];
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) throw error;
          last = error.message.toLowerCase();
        }
      }
      throw refused(last);
    }
    case "stripe": {
      // Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">[,v1=…]
      const parts = (headers.get("stripe-signature") ?? "").split(",").map((p) => p.trim().split("="));
      const t = parts.find(([k]) => k === "t")?.[1];
      const signatures = parts.filter(([k]) => k === "v1").map(([, v]) => v ?? "");
      if (!t || signatures.length === 0) throw refused("missing Stripe-Signature (t=…,v1=…)");
      checkTimestamp(Number(t));
      if (!secrets.some((secret) => signatures.some((s) => sameHex(hmacHex(secret, `${t}.${raw}`), s)))) throw refused("no matching signature");
      return stripeEventId(raw);
    }
    case "github": {
      const signature = (headers.get("x-hub-signature-256") ?? "").replace(/^sha256=/, "");
      if (!signature) throw refused("missing X-Hub-Signature-256");
      if (!secrets.some((secret) => sameHex(hmacHex(secret, raw), signature))) throw refused("no matching signature");
      return headers.get("x-github-delivery") ?? undefined;
    }
    case "token": {
      if (!token || !secrets.some((secret) => sameText(secret, token))) throw refused("wrong or missing token in the URL");
      return headers.get("webhook-id") ?? headers.get("idempotency-key") ?? undefined;
    }
  }
}

function checkTimestamp(seconds: number) {
  if (!Number.isFinite(seconds)) throw refused("invalid timestamp");
  const skew = Date.now() / 1000 - seconds;
  if (skew > TOLERANCE_SECONDS) throw refused("message timestamp too old");
  if (skew < -TOLERANCE_SECONDS) throw refused("message timestamp too new");
}

const hmacHex = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");
function sameText(a: string, b: string) {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
const sameHex = (expected: string, given: string) => /^[0-9a-f]{64}$/i.test(given) && timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(given, "hex"));

function stripeEventId(raw: string): string | undefined {
  try {
    const id = (JSON.parse(raw) as { id?: unknown }).id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}
