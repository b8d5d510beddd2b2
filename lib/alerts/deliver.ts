// Sending alert notifications: workers claim due deliveries (SKIP LOCKED, one worker each),
// send them through their channel, and retry failures with capped exponential backoff and full
// jitter; after the last attempt a delivery is `failed` with its error, shown in the history.
// - webhook: a Standard Webhook signed with the channel's secret (as result callbacks are);
// - slack: a Slack-compatible incoming webhook, a formatted message with a link;
// - email: through the channel's SMTP credential (or Baton's outbox without one).
import nodemailer from "nodemailer";
import type pg from "pg";
import { Webhook } from "standardwebhooks";
import { env } from "../env.ts";
import { backoffDelay, type RetryPolicy } from "../engine/retry.ts";
import { checkedAddress, deliveryFailure, outboundFetch } from "../net/outbound.ts";
import { resolveSecrets } from "../secrets/credentials.ts";
import { openSecret, type SealedSecret } from "../secrets/signing-secrets.ts";
import { linksForEligible } from "../approvals/links.ts";

export const ALERT_POLICY: RetryPolicy = { maxAttempts: 6, initialDelayMs: 1_000, multiplier: 2, maxDelayMs: 5 * 60_000, jitter: "full" };
const TIMEOUT_MS = 10_000;
/** A claimed delivery not settled in this long (its worker died) is due again. */
const CLAIM_MS = 60_000;

export const channelSecretContext = (channelId: string) => `alert-channel:${channelId}`;

interface Due {
  id: string;
  kind: "firing" | "resolved" | "test";
  attempts: number;
  channel: { id: string; name: string; kind: "webhook" | "slack" | "email"; config: { url?: string; to?: string[]; credential?: string }; secret: SealedSecret | null };
  alert: { id: string; state: string; message: string; data: Record<string, unknown>; fired_at: Date; resolved_at: Date | null; rule_name: string; rule_kind: string } | null;
}

const baseUrl = () => env.BATON_PUBLIC_URL ?? `http://localhost:${env.PORT}`;

type Payload =
  | { type: "alert.test"; deliveryId: string; channel: string; message: string }
  | {
      type: "alert.firing" | "alert.resolved";
      deliveryId: string;
      alertId: string;
      rule: { name: string; kind: string };
      message: string;
      firedAt: Date;
      resolvedAt: Date | null;
      url: string;
      data: Record<string, unknown>;
      /** An approval request's: a personal link for each person who may decide it. */
      decisionLinks?: { email: string; url: string; expiresAt: Date }[];
    };

/** What every channel is told, as JSON (the webhook's body). */
export function alertPayload(due: Pick<Due, "kind" | "alert" | "channel">, deliveryId: string): Payload {
  const base = baseUrl();
  if (!due.alert) return { type: "alert.test", deliveryId, channel: due.channel.name, message: `A test from Baton to ${due.channel.name}.` };
  const a = due.alert;
  return {
    type: due.kind === "resolved" ? "alert.resolved" : "alert.firing",
    deliveryId,
    alertId: a.id,
    rule: { name: a.rule_name, kind: a.rule_kind },
    message: a.message,
    firedAt: a.fired_at,
    resolvedAt: a.resolved_at,
    url: typeof a.data.path === "string" ? `${base}${a.data.path}` : base,
    data: a.data,
  };
}

function slackMessage(payload: Payload) {
  if (payload.type === "alert.test") return { text: payload.message };
  const icon = payload.type === "alert.resolved" ? ":white_check_mark: Resolved" : ":rotating_light: Firing";
  const who = payload.decisionLinks?.length ? `\nCan decide: ${payload.decisionLinks.map((l) => l.email).join(", ")}` : "";
  const text = `${icon}: *${payload.rule.name}*\n${payload.message}${who}\n<${payload.url}|Open in Baton>`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/** An approval request's alert carries a personal, single-use decision link for each person who may decide it. */
async function decisionLinks(pool: pg.Pool, due: Due) {
  if (due.kind !== "firing" || due.alert?.rule_kind !== "approval_requested" || typeof due.alert.data.approvalId !== "string") return undefined;
  return linksForEligible(pool, due.alert.data.approvalId, `system:alerts`, baseUrl());
}

async function send(pool: pg.Pool, due: Due): Promise<void> {
  const links = await decisionLinks(pool, due);
  const payload = { ...alertPayload(due, due.id), ...(links ? { decisionLinks: links } : {}) } as Payload;
  const id = `baton-alert-${due.id}`;
  if (due.channel.kind === "email") {
    // Each eligible person gets their own message with their own link; the channel's list the summary.
    for (const link of links ?? []) await sendEmail(pool, { ...due, channel: { ...due.channel, config: { ...due.channel.config, to: [link.email] } } }, { ...payload, message: `${payload.message}\n\nDecide here (a link for you alone, valid until ${link.expiresAt.toISOString()}): ${link.url}` }, `${id}-${link.email}`);
    return sendEmail(pool, due, payload, id);
  }
  // A Slack channel's URL is sealed (it is the credential); a webhook's is in its config.
  const url = due.channel.kind === "slack" ? openSecret(channelSecretContext(due.channel.id), due.channel.secret!) : due.channel.config.url!;
  const body = JSON.stringify(due.channel.kind === "slack" ? slackMessage(payload) : payload);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Baton", "idempotency-key": id };
  if (due.channel.kind === "webhook" && due.channel.secret) {
    const at = new Date();
    headers["webhook-id"] = id;
    headers["webhook-timestamp"] = String(Math.floor(at.getTime() / 1000));
    headers["webhook-signature"] = new Webhook(openSecret(channelSecretContext(due.channel.id), due.channel.secret)).sign(id, at, body);
  }
  const response = await outboundFetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "manual" });
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
}

async function sendEmail(pool: pg.Pool, due: Due, payload: Payload, id: string) {
  const to = due.channel.config.to ?? [];
  const subject = payload.type === "alert.test" ? "[Baton] Test alert" : `[Baton] ${payload.type === "alert.resolved" ? "Resolved" : "Firing"}: ${payload.rule.name}`;
  const text = payload.type === "alert.test" ? `${payload.message}\n` : `${payload.message}\n\n${payload.url}\n`;
  const messageId = `<${id}@baton>`;
  if (!due.channel.config.credential) {
    await pool.query(
      `insert into outbox_messages (message_id, node_id, "from", "to", cc, bcc, reply_to, subject, text, attachments) values ($1, 'alert', 'baton@localhost', $2, '{}', '{}', '{}', $3, $4, '[]')
       on conflict (message_id) do nothing`,
      [messageId, to, subject, text],
    );
    return;
  }
  const smtp = (await resolveSecrets(pool, [due.channel.config.credential])).get(due.channel.config.credential);
  if (!smtp || smtp.kind !== "smtp") throw new Error(`no SMTP credential named ${due.channel.config.credential}`);
  const settings = smtp.settings as { host: string; port: number; secure: boolean; username?: string; from?: string };
  const transport = nodemailer.createTransport({
    host: await checkedAddress(settings.host, settings.port),
    port: settings.port,
    secure: settings.secure,
    tls: { servername: settings.host },
    auth: settings.username ? { user: settings.username, pass: smtp.value } : undefined,
    connectionTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.sendMail({ from: settings.from ?? "baton@localhost", to, subject, text, messageId });
  } finally {
    transport.close();
  }
}

/** Claims due deliveries and sends them; returns how many it tried. */
export async function deliverDueAlerts(pool: pg.Pool, limit = 20): Promise<number> {
  const { rows } = await pool.query(
    `with claimed as (
       update alert_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
        where d.id in (select id from alert_deliveries where status = 'pending' and next_attempt_at <= now() order by next_attempt_at for update skip locked limit $1)
        returning d.id, d.kind, d.attempts, d.channel_id, d.alert_id
     )
     select c.id::text, c.kind, c.attempts,
            jsonb_build_object('id', ch.id, 'name', ch.name, 'kind', ch.kind, 'config', ch.config, 'secret', ch.secret) as channel,
            case when a.id is null then null else jsonb_build_object('id', a.id, 'state', a.state, 'message', a.message, 'data', a.data, 'fired_at', a.fired_at, 'resolved_at', a.resolved_at, 'rule_name', r.name, 'rule_kind', r.kind) end as alert
       from claimed c join alert_channels ch on ch.id = c.channel_id
       left join alerts a on a.id = c.alert_id left join alert_rules r on r.id = a.rule_id`,
    [limit, CLAIM_MS / 1000],
  );
  await Promise.all(
    rows.map(async (due: Due) => {
      let error: string | null = null;
      let permanent = false;
      try {
        await send(pool, due);
      } catch (e) {
        ({ message: error, permanent } = deliveryFailure(e, TIMEOUT_MS));
      }
      if (error === null) await pool.query(`update alert_deliveries set status = 'delivered', delivered_at = now(), last_error = null where id = $1`, [due.id]);
      else if (permanent || due.attempts >= ALERT_POLICY.maxAttempts) await pool.query(`update alert_deliveries set status = 'failed', last_error = $2 where id = $1`, [due.id, error]);
      else await pool.query(`update alert_deliveries set last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where id = $1`, [due.id, error, backoffDelay(ALERT_POLICY, due.attempts) / 1000]);
    }),
  );
  return rows.length;
}
