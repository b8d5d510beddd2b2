// The outbox: what Email steps without an SMTP credential wrote instead of sending (local use).
import type { Sql } from "../engine/tx.ts";

export async function listOutbox(sql: Sql) {
  const { rows } = await sql.query(
    `select id, message_id, run_id, node_id, "from", "to", cc, bcc, reply_to, subject, text, html, attachments, created_at from outbox_messages order by created_at desc limit 200`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    messageId: r.message_id as string,
    runId: r.run_id as string | null,
    nodeId: r.node_id as string,
    from: r.from as string,
    to: r.to as string[],
    cc: r.cc as string[],
    bcc: r.bcc as string[],
    replyTo: r.reply_to as string[],
    subject: r.subject as string,
    text: r.text as string,
    html: r.html as string | null,
    attachments: r.attachments as { filename: string; contentType: string; size: number }[],
    createdAt: r.created_at as Date,
  }));
}
