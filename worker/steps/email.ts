// Sends one message through an SMTP credential, with the step's stable key as its Message-ID (a
// server that deduplicates on it sends a retried attempt once). 4xx answers are retried, 5xx are
// not. Without a credential the message goes to the outbox table (local use), once per Message-ID.
import nodemailer from "nodemailer";
import { detectMimeType } from "nodemailer/lib/mime-funcs/mime-types.js";
import { definitions } from "#lib/steps/index.ts";
import { ATTACHMENTS_MAX_BYTES } from "#lib/steps/email.ts";
import { NonRetryableError, RetryableError } from "#lib/engine/errors.ts";
import { checkedAddress } from "#lib/net/outbound.ts";
import { pool } from "#lib/db.ts";
import { defineExecutor } from "./types.ts";

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : value.split(",")).map((a) => a.trim()).filter(Boolean);

export const email = defineExecutor(definitions.email, async (config, ctx) => {
  const messageId = `<${ctx.stepKey.replace(/[^\w.-]/g, "-")}@baton>`;
  const to = list(config.to);
  if (to.length === 0) throw new NonRetryableError("no recipient: To is empty once its templates are resolved", { code: "email_no_recipient" });
  const attachments = (config.attachments ?? []).map((a) => ({ ...a, contentType: a.contentType ?? detectMimeType(a.filename), bytes: Buffer.from(a.content, a.encoding) }));
  const size = attachments.reduce((sum, a) => sum + a.bytes.length, 0);
  if (size > ATTACHMENTS_MAX_BYTES) throw new NonRetryableError(`the attachments come to ${size} bytes, over the ${ATTACHMENTS_MAX_BYTES} byte limit`, { code: "email_attachments_too_large" });
  const message = { to, cc: list(config.cc), bcc: list(config.bcc), replyTo: list(config.replyTo), subject: config.subject, text: config.text ?? "", html: config.html };

  if (!config.credential) {
    const from = config.from ?? "baton@localhost";
    const { rows } = await pool().query(
      `insert into outbox_messages (message_id, run_id, node_id, "from", "to", cc, bcc, reply_to, subject, text, html, attachments)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (message_id) do update set message_id = excluded.message_id returning id`,
      [
        messageId,
        /^[0-9a-f-]{36}$/.test(ctx.runId) ? ctx.runId : null,
        ctx.nodeId,
        from,
        message.to,
        message.cc,
        message.bcc,
        message.replyTo,
        message.subject,
        message.text,
        message.html ?? null,
        JSON.stringify(attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.bytes.length }))),
      ],
    );
    ctx.log("info", `written to the outbox (no SMTP credential): ${message.subject} → ${to.join(", ")}`);
    return { output: { messageId, accepted: to, rejected: [], outbox: rows[0].id } };
  }

  const smtp = await ctx.openCredential(config.credential, "smtp");
  const settings = smtp.settings as { host: string; port: number; secure: boolean; username?: string; from?: string };
  const from = config.from ?? settings.from;
  if (!from) throw new NonRetryableError(`no sender: set From on the step or a sender address on ${config.credential}`, { code: "email_no_sender" });
  // Connect to the address the egress policy checked; TLS still verifies the host's name.
  const address = await checkedAddress(settings.host, settings.port);
  const transport = nodemailer.createTransport({
    host: address,
    port: settings.port,
    secure: settings.secure,
    tls: { servername: settings.host },
    auth: settings.username ? { user: settings.username, pass: smtp.value } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  const close = () => transport.close();
  ctx.signal.addEventListener("abort", close, { once: true });
  try {
    const info = await transport.sendMail({ ...message, from, messageId, attachments: attachments.map((a) => ({ filename: a.filename, content: a.bytes, contentType: a.contentType })) });
    ctx.log("info", `sent ${messageId}: ${info.response}`);
    return { output: { messageId, accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: info.response } };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode;
    const text = `the mail server refused the message: ${(error as Error).message}`;
    throw code && code >= 500 ? new NonRetryableError(text, { code: `smtp_${code}` }) : new RetryableError(code ? text : `could not reach the mail server: ${(error as Error).message}`, { code: code ? `smtp_${code}` : "smtp_unreachable" });
  } finally {
    ctx.signal.removeEventListener("abort", close);
    transport.close();
  }
});
