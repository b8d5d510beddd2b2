// Alert channels, rules and history: what the API and /settings/alerts read and change. Every
// change is an audit entry; a webhook channel's signing secret is shown once, at creation.
import type { z } from "zod";
import { audit } from "../admin/audit.ts";
import { notFound, unprocessable } from "../api/errors.ts";
import { db as defaultDb, type Db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { keyring } from "../secrets/credentials.ts";
import { newWebhookSecret, sealSecret } from "../secrets/signing-secrets.ts";
import { channelSecretContext } from "./deliver.ts";
import type { alertRuleBody, createChannelBody, listAlertsQuery, updateAlertRuleBody } from "./schemas.ts";

const channelView = (c: { id: string; name: string; kind: string; config: unknown; secret: unknown; createdBy: string; createdAt: Date }) => ({
  id: c.id,
  name: c.name,
  kind: c.kind,
  config: c.config,
  signed: c.secret !== null,
  createdBy: c.createdBy,
  createdAt: c.createdAt,
});

export async function listChannels(db: Db = defaultDb()) {
  return (await db.alertChannel.findMany({ orderBy: { createdAt: "asc" } })).map(channelView);
}

export async function createChannel(body: z.infer<typeof createChannelBody>, actor: string, db: Db = defaultDb()) {
  const { kind, name, ...config } = body;
  // A Slack incoming webhook's URL is its credential: sealed like one, only its host kept in view.
  const shown = kind === "slack" ? { host: new URL(body.url).host } : config;
  return db.$transaction(async (tx) => {
    const channel = await tx.alertChannel.create({ data: { name, kind, config: shown as Prisma.InputJsonObject, createdBy: actor } });
    let secret: string | undefined;
    const sealed = kind === "webhook" ? (secret = newWebhookSecret()) : kind === "slack" ? body.url : undefined;
    if (sealed) await tx.alertChannel.update({ where: { id: channel.id }, data: { secret: sealSecret(keyring(), channelSecretContext(channel.id), sealed) as unknown as Prisma.InputJsonObject } });
    await audit(tx, { actor, action: "alert_channel.created", targetType: "alert_channel", targetId: channel.id, data: { name, kind } });
    // The secret is shown once: receivers verify deliveries with it (Standard Webhooks).
    return { ...channelView({ ...channel, secret: sealed ?? null }), ...(secret ? { secret } : {}) };
  });
}

export async function deleteChannel(id: string, actor: string, db: Db = defaultDb()) {
  await db.$transaction(async (tx) => {
    const channel = await tx.alertChannel.findUnique({ where: { id } });
    if (!channel) throw notFound(`Alert channel ${id}`);
    await tx.$executeRaw`update alert_rules set channel_ids = array_remove(channel_ids, ${id}::uuid)`;
    await tx.$executeRaw`update alert_deliveries set status = 'failed', last_error = 'the channel was deleted' where channel_id = ${id}::uuid and status = 'pending'`;
    await tx.alertChannel.delete({ where: { id } });
    await audit(tx, { actor, action: "alert_channel.deleted", targetType: "alert_channel", targetId: id, data: { name: channel.name } });
  });
}

/** Queues a test notification to the channel; its outcome shows in the history. */
export async function testChannel(id: string, actor: string, db: Db = defaultDb()) {
  if (!(await db.alertChannel.findUnique({ where: { id } }))) throw notFound(`Alert channel ${id}`);
  const delivery = await db.alertDelivery.create({ data: { channelId: id, kind: "test" } });
  await db.$executeRaw`select pg_notify('baton_alerts', '')`;
  await audit(db, { actor, action: "alert_channel.tested", targetType: "alert_channel", targetId: id, data: {} });
  return { deliveryId: delivery.id.toString() };
}

async function checkChannels(db: Pick<Db, "alertChannel">, ids: string[] | undefined) {
  if (!ids) return;
  const found = new Set((await db.alertChannel.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((c) => c.id));
  const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.has(id));
  if (missing.length) throw unprocessable("Some channels do not exist.", missing.map(({ i }) => ({ path: `channelIds.${i}`, message: "No such channel." })));
}

export async function listRules(db: Db = defaultDb()) {
  return db.alertRule.findMany({ orderBy: { createdAt: "asc" } });
}

export async function createRule(body: z.infer<typeof alertRuleBody>, actor: string, db: Db = defaultDb()) {
  await checkChannels(db, body.channelIds);
  return db.$transaction(async (tx) => {
    const rule = await tx.alertRule.create({ data: { name: body.name, kind: body.kind, workflowId: body.workflowId ?? null, params: body.params, channelIds: body.channelIds, enabled: body.enabled, createdBy: actor } });
    await audit(tx, { actor, action: "alert_rule.created", targetType: "alert_rule", targetId: rule.id, data: { name: body.name, kind: body.kind } });
    return rule;
  });
}

export async function updateRule(id: string, body: z.infer<typeof updateAlertRuleBody>, actor: string, db: Db = defaultDb()) {
  await checkChannels(db, body.channelIds);
  return db.$transaction(async (tx) => {
    if (!(await tx.alertRule.findUnique({ where: { id } }))) throw notFound(`Alert rule ${id}`);
    const rule = await tx.alertRule.update({ where: { id }, data: { ...body, ...(body.params ? { params: body.params } : {}) } });
    await audit(tx, { actor, action: "alert_rule.updated", targetType: "alert_rule", targetId: id, data: body as Prisma.InputJsonObject });
    return rule;
  });
}

export async function deleteRule(id: string, actor: string, db: Db = defaultDb()) {
  await db.$transaction(async (tx) => {
    if (!(await tx.alertRule.findUnique({ where: { id } }))) throw notFound(`Alert rule ${id}`);
    await tx.$executeRaw`update alerts set state = 'resolved', resolved_at = now() where rule_id = ${id}::uuid and state = 'firing'`;
    await tx.alertRule.delete({ where: { id } });
    await audit(tx, { actor, action: "alert_rule.deleted", targetType: "alert_rule", targetId: id, data: {} });
  });
}

/** What fired, when, to whom, and how each delivery went (newest first); test sends too. */
export async function listAlerts(query: z.infer<typeof listAlertsQuery>, db: Db = defaultDb()) {
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    select a.id, a.rule_id as "ruleId", r.name as "ruleName", r.kind as "ruleKind", a.subject, a.state, a.message, a.data,
           a.fired_at as "firedAt", a.resolved_at as "resolvedAt",
           coalesce((select jsonb_agg(jsonb_build_object('id', d.id::text, 'channel', c.name, 'channelKind', c.kind, 'kind', d.kind, 'status', d.status,
                        'attempts', d.attempts, 'lastError', d.last_error, 'deliveredAt', d.delivered_at, 'nextAttemptAt', d.next_attempt_at) order by d.id)
                       from alert_deliveries d left join alert_channels c on c.id = d.channel_id where d.alert_id = a.id), '[]'::jsonb) as deliveries
      from alerts a left join alert_rules r on r.id = a.rule_id
     where (${query.ruleId ?? null}::uuid is null or a.rule_id = ${query.ruleId ?? null}::uuid)
     order by a.fired_at desc limit ${query.limit}`;
  const tests = await db.$queryRaw<Record<string, unknown>[]>`
    select d.id::text, c.name as channel, c.kind as "channelKind", d.status, d.attempts, d.last_error as "lastError", d.delivered_at as "deliveredAt", d.created_at as "createdAt"
      from alert_deliveries d join alert_channels c on c.id = d.channel_id where d.kind = 'test' order by d.id desc limit 20`;
  return { alerts: rows, tests };
}
