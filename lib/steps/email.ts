import { z } from "zod";
import { CREDENTIAL_NAME } from "../secrets/schemas.ts";
import { defineStep, templatable, templateString } from "./types.ts";

/** Addresses: a list, or one string of them separated by commas (a template may give either). */
const addresses = z.union([z.array(z.string().min(1)).max(100), templateString, z.string()]);

/** Attachments: text (or base64 for binary) whose strings may be templates; at most 10 MB in all. */
export const ATTACHMENTS_MAX_BYTES = 10 * 1024 * 1024;
const attachment = z.strictObject({
  filename: z.string().min(1, "Name the file.").max(255),
  content: z.string().max(14_000_000),
  encoding: z.enum(["utf8", "base64"]).default("utf8"),
  contentType: z.string().max(255).optional(),
});

export const email = defineStep({
  type: "email",
  label: "Email",
  description: "Sends an email through an SMTP credential; without one, writes it to the outbox (Settings → Outbox) for local use.",
  icon: "mail",
  category: "action",
  config: z.strictObject({
    credential: z.string().regex(CREDENTIAL_NAME, "Enter an SMTP credential's name.").optional().meta({ title: "SMTP server (credential)", description: "None: the message goes to the outbox, not sent.", credential: "smtp" }),
    from: z.string().max(320).optional().meta({ title: "From", description: "Default: the credential's sender address." }),
    to: addresses.meta({ title: "To", description: "Addresses, comma-separated or a {{ template }}." }),
    cc: addresses.optional().meta({ title: "Cc" }),
    bcc: addresses.optional().meta({ title: "Bcc" }),
    replyTo: addresses.optional().meta({ title: "Reply-To" }),
    subject: z.string().min(1, "Write a subject.").max(998).meta({ title: "Subject" }),
    text: z.string().max(1_000_000).optional().meta({ title: "Text body", widget: "code" }),
    html: z.string().max(1_000_000).optional().meta({ title: "HTML body", widget: "code" }),
    attachments: z.array(attachment).max(10).optional().meta({
      title: "Attachments",
      description: 'Files: [{ "filename": "report.csv", "content": "{{ steps.report.output.csv }}", "contentType": "text/csv" }]; "encoding": "base64" for binary content. 10 MB in all.',
    }),
    timeoutMs: templatable(z.int().min(1000).max(120_000)).default(30_000).meta({ title: "Timeout (ms)" }),
  }),
  defaultConfig: { to: "{{ input.email }}", subject: "Hello", text: "Hello {{ input.name }}", timeoutMs: 30_000 },
  outputs: ["default"],
  acceptsInput: true,
  outputFields: () => ["messageId", "accepted", "rejected", "outbox"],
  validate(config) {
    return config.text === undefined && config.html === undefined ? [{ path: "text", message: "Write a text or an HTML body." }] : [];
  },
});
