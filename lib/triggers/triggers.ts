// Triggers: listing, creating, changing, pausing, deleting (kept for the runs they started), and
// rotating a webhook's signing secret. Every change is an audit entry (target "trigger") holding
// what changed, which is the trigger's history. Cron triggers carry their next fire time, which the
// scheduler (scheduler.ts) reads; changing the schedule or resuming it counts from now.
import { randomBytes } from "node:crypto";
import { conflict, notFound, unprocessable, zodFieldErrors } from "../api/errors.ts";
import { audit } from "../admin/audit.ts";
import { db as defaultDb, type Db } from "../db.ts";
import type { Sql } from "../engine/tx.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Keyring } from "../secrets/keyring.ts";
import { liveSecrets, newWebhookSecret, reencryptLists, rotated, secretsSummary } from "../secrets/signing-secrets.ts";
import { fireTimes, type FireTime } from "./schedule.ts";
import { assertJsonSchema } from "../workflow/input-schema.ts";
import { configSchemas, type CreateTriggerBody, type CronConfig, type EventTriggerConfig, type TriggerKind, type UpdateTriggerBody, type Verification, type WebhookConfig, webhookConfig } from "./schemas.ts";

const secretContext = (triggerId: string) => `webhook-secret:${triggerId}`;

/** A Standard Webhooks secret (what GitHub is given too); for a URL token, URL-safe base64. */
const newSecret = (verification: Verification) => (verification === "token" ? `whtok_${randomBytes(32).toString("base64url")}` : newWebhookSecret());

/** The secrets that verify a delivery now: the current one and any rotated out within their grace. */
export const triggerSecrets = (trigger: { id: string; secrets: unknown }) => liveSecrets(secretContext(trigger.id), trigger.secrets);

type TriggerRow = Prisma.TriggerGetPayload<object>;

/** What the API and the panel show: never a secret (only whether a rotated one is still valid). */
export function publicTrigger(t: TriggerRow) {
  return {
    id: t.id,
    workflowId: t.workflowId,
    kind: t.kind as TriggerKind,
    name: t.name,
    config: t.config as Record<string, unknown>,
    input: t.input,
    paused: t.paused,
    pinnedVersion: t.pinnedVersion,
    createdBy: t.createdBy,
    updatedBy: t.updatedBy,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    ...(t.kind === "cron" ? { nextFireAt: t.paused ? null : t.nextFireAt, lastFireAt: t.lastFireAt, missedFires: t.missedFires, lastMissedAt: t.lastMissedAt } : {}),
    ...(t.kind === "webhook" ? { url: `/api/v1/hooks/${t.id}`, ...secretsSummary(t.secrets) } : {}),
  };
}
export type PublicTrigger = ReturnType<typeof publicTrigger>;

/** The first fire strictly after `after`, or null when the expression never fires again. */
export function nextFire(config: CronConfig, after: Date): FireTime | null {
  return fireTimes({ cron: config.cron, timezone: config.timezone, onSkippedTime: config.onSkippedTime, onRepeatedTime: config.onRepeatedTime }, after, { limit: 1 })[0] ?? null;
}

/** A cron trigger's schedule columns, counting from `now`: nothing before it is due. */
const scheduleFrom = (config: CronConfig, now: Date) => ({ lastFireAt: now, nextFireAt: nextFire(config, now)?.at ?? null });

async function checkPinnedVersion(tx: Prisma.TransactionClient, workflowId: string, version: number | null | undefined) {
  if (version == null) return;
  const found = await tx.workflowVersion.findFirst({ where: { workflowId, number: version }, select: { id: true } });
  if (!found) throw unprocessable(`Version ${version} of this workflow does not exist.`, [{ path: "pinnedVersion", message: `no version ${version}; publish it first or pick another` }]);
}

export async function listTriggers(workflowId: string, db: Db = defaultDb()) {
  const rows = await db.trigger.findMany({ where: { workflowId, deletedAt: null }, orderBy: { createdAt: "asc" } });
  return rows.map((t) => publicTrigger(t));
}

export async function getTrigger(id: string, db: Db = defaultDb()) {
  const t = await db.trigger.findFirst({ where: { id, deletedAt: null } });
  if (!t) throw notFound(`Trigger ${id}`);
  const [history, fires, deliveries] = await Promise.all([
    db.auditEntry.findMany({ where: { targetType: "trigger", targetId: id }, orderBy: { id: "desc" }, take: 50 }),
    t.kind === "cron" ? db.triggerFire.findMany({ where: { triggerId: id }, orderBy: { scheduledAt: "desc" }, take: 50 }) : [],
    t.kind === "webhook" ? db.webhookDelivery.findMany({ where: { triggerId: id }, orderBy: { receivedAt: "desc" }, take: 50 }) : [],
  ]);
  return {
    ...publicTrigger(t),
    history: history.map((h) => ({ id: String(h.id), actor: h.actor, action: h.action, data: h.data, at: h.at })),
    fires: fires.map((f) => ({ scheduledAt: f.scheduledAt, status: f.status, reason: f.reason, runId: f.runId, backfill: f.backfill, startedAt: f.startedAt })),
    deliveries: deliveries.map((d) => ({ id: d.id, webhookId: d.webhookId, status: d.status, error: d.error, runId: d.runId, duplicate: d.duplicate, receivedAt: d.receivedAt })),
  };
}

/** Creates a trigger; a webhook's signing secret is in the answer, once. */
export async function createTrigger(workflowId: string, body: CreateTriggerBody, actor: string, db: Db = defaultDb()) {
  const now = new Date();
  return db.$transaction(async (tx) => {
    const workflow = await tx.workflow.findFirst({ where: { id: workflowId, deletedAt: null }, select: { id: true } });
    if (!workflow) throw notFound(`Workflow ${workflowId}`);
    await checkPinnedVersion(tx, workflowId, body.pinnedVersion);
    const id = crypto.randomUUID();
    const secret = body.kind === "webhook" ? (body.secret ?? newSecret(body.config.verification)) : undefined;
    if (body.kind === "webhook") checkBodySchema(body.config);
    if (body.kind === "event") await checkEventType(tx, body.config.eventType);
    const created = await tx.trigger.create({
      data: {
        id,
        workflowId,
        kind: body.kind,
        name: body.name,
        config: body.config as object,
        ...(body.input !== undefined ? { input: body.input as Prisma.InputJsonValue } : {}),
        paused: body.paused,
        pinnedVersion: body.pinnedVersion,
        ...(body.kind === "cron" ? scheduleFrom(body.config, now) : {}),
        secrets: secret ? (rotated(secretContext(id), [], secret, 0) as unknown as Prisma.InputJsonValue) : [],
        createdBy: actor,
        updatedBy: actor,
      },
    });
    await audit(tx, { actor, action: "trigger.created", targetType: "trigger", targetId: id, data: { workflowId, kind: body.kind, after: snapshot(created) } });
    return { ...publicTrigger(created), ...(secret ? { secret } : {}) };
  });
}

/** A webhook's body schema must compile, or the trigger is refused with the field. */
function checkBodySchema(config: WebhookConfig) {
  if (config.schema) assertJsonSchema(config.schema, "config.schema");
}

async function checkEventType(tx: Prisma.TransactionClient, name: string) {
  if (!(await tx.eventType.findUnique({ where: { name } }))) throw unprocessable(`No event type is named ${name}.`, [{ path: "config.eventType", message: "unknown event type: add it under Events → Types" }]);
}

/** What history keeps of a trigger: its editable fields. */
const snapshot = (t: TriggerRow) => ({ name: t.name, config: t.config, input: t.input, paused: t.paused, pinnedVersion: t.pinnedVersion }) as Prisma.InputJsonObject;

export async function updateTrigger(id: string, body: UpdateTriggerBody, actor: string, db: Db = defaultDb()) {
  const now = new Date();
  return db.$transaction(async (tx) => {
    const current = await tx.trigger.findFirst({ where: { id, deletedAt: null } });
    if (!current) throw notFound(`Trigger ${id}`);
    const kind = current.kind as TriggerKind;
    const parsed = body.config === undefined ? undefined : configSchemas[kind].safeParse(body.config);
    if (parsed && !parsed.success) throw unprocessable(`The config does not fit a ${kind} trigger.`, zodFieldErrors(parsed.error, ["config"]));
    if (parsed && kind === "webhook") checkBodySchema(parsed.data as WebhookConfig);
    if (parsed && kind === "event") await checkEventType(tx, (parsed.data as EventTriggerConfig).eventType);
    await checkPinnedVersion(tx, current.workflowId, body.pinnedVersion);
    const config = (parsed?.data ?? current.config) as CronConfig;
    // A new schedule, or one resumed, counts from now: a paused trigger does not catch up.
    const reschedule = kind === "cron" && (parsed !== undefined || (body.paused === false && current.paused));
    const updated = await tx.trigger.update({
      where: { id },
      data: {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(parsed ? { config: parsed.data as object } : {}),
        ...(body.input !== undefined ? { input: body.input === null ? (null as unknown as Prisma.InputJsonValue) : (body.input as Prisma.InputJsonValue) } : {}),
        ...(body.paused !== undefined ? { paused: body.paused } : {}),
        ...(body.pinnedVersion !== undefined ? { pinnedVersion: body.pinnedVersion } : {}),
        ...(reschedule ? scheduleFrom(config, now) : {}),
        updatedBy: actor,
        updatedAt: now,
      },
    });
    const action = body.paused === true && !current.paused ? "trigger.paused" : body.paused === false && current.paused ? "trigger.resumed" : "trigger.updated";
    await audit(tx, { actor, action, targetType: "trigger", targetId: id, data: { workflowId: current.workflowId, before: snapshot(current), after: snapshot(updated) } });
    return publicTrigger(updated);
  });
}

/** Deletes a trigger: it stops firing at once; it stays in the database for the runs it started. */
export async function deleteTrigger(id: string, actor: string, db: Db = defaultDb()) {
  await db.$transaction(async (tx) => {
    const current = await tx.trigger.findFirst({ where: { id, deletedAt: null } });
    if (!current) throw notFound(`Trigger ${id}`);
    await tx.trigger.update({ where: { id }, data: { deletedAt: new Date(), nextFireAt: null, secrets: [] } });
    await tx.triggerFire.updateMany({ where: { triggerId: id, status: { in: ["pending", "buffered"] } }, data: { status: "cancelled", reason: "trigger deleted" } });
    await audit(tx, { actor, action: "trigger.deleted", targetType: "trigger", targetId: id, data: { workflowId: current.workflowId, before: snapshot(current) } });
  });
}

/** A new signing secret for a webhook; the previous one verifies for `graceMs` more. */
export async function rotateWebhookSecret(id: string, actor: string, options: { graceMs: number; secret?: string }, db: Db = defaultDb()) {
  const graceMs = options.graceMs;
  const now = Date.now();
  return db.$transaction(async (tx) => {
    const current = await tx.trigger.findFirst({ where: { id, deletedAt: null } });
    if (!current) throw notFound(`Trigger ${id}`);
    if (current.kind !== "webhook") throw conflict("Only webhook triggers have a signing secret.", { kind: current.kind });
    const secret = options.secret ?? newSecret(webhookConfig.parse(current.config).verification);
    const updated = await tx.trigger.update({
      where: { id },
      data: { secrets: rotated(secretContext(id), current.secrets, secret, graceMs, now) as unknown as Prisma.InputJsonValue, updatedBy: actor, updatedAt: new Date(now) },
    });
    await audit(tx, { actor, action: "trigger.secret_rotated", targetType: "trigger", targetId: id, data: { workflowId: current.workflowId, graceMs } });
    return { ...publicTrigger(updated), secret };
  });
}

/** The most fire times one backfill may add. */
export const BACKFILL_MAX_FIRES = 1000;

/** Adds the fire times of a past range as fires to start. They follow the overlap policy, except
 * that `skip` and `buffer_one` become `buffer_all`: a backfill asks for every time in it. */
export async function backfill(id: string, from: Date, to: Date, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    const trigger = await tx.trigger.findFirst({ where: { id, deletedAt: null } });
    if (!trigger) throw notFound(`Trigger ${id}`);
    if (trigger.kind !== "cron") throw conflict("Only cron triggers can be backfilled.", { kind: trigger.kind });
    const times = fireTimes(trigger.config as CronConfig, new Date(from.getTime() - 1), { until: to, limit: BACKFILL_MAX_FIRES + 1 }).map((f) => f.at);
    if (times.length > BACKFILL_MAX_FIRES) throw unprocessable(`The range holds more than ${BACKFILL_MAX_FIRES} fire times; backfill a shorter one.`, [{ path: "to", message: `more than ${BACKFILL_MAX_FIRES} fire times` }]);
    const { count } = await tx.triggerFire.createMany({ data: times.map((scheduledAt) => ({ triggerId: id, scheduledAt, backfill: true })), skipDuplicates: true });
    await audit(tx, { actor, action: "trigger.backfilled", targetType: "trigger", targetId: id, data: { workflowId: trigger.workflowId, from: from.toISOString(), to: to.toISOString(), fires: count } });
    return { fires: count, alreadyRecorded: times.length - count };
  });
}

/** Re-encrypts webhook secrets under the ring's current key (npm run secrets:rotate). */
export const reencryptTriggerSecrets = (sql: Sql, ring: Keyring) => reencryptLists(sql, "triggers", "secrets", secretContext, ring);
