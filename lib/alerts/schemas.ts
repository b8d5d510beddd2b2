// Request bodies of the alerts API (zod).
import { z } from "zod";
import { ALERT_KINDS } from "./kinds.ts";

const httpsOrHttp = z.url({ protocol: /^https?$/, message: "An http(s) URL." });

export const createChannelBody = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("webhook"), name: z.string().trim().min(1, "Give it a name.").max(200), url: httpsOrHttp }),
  z.strictObject({ kind: z.literal("slack"), name: z.string().trim().min(1, "Give it a name.").max(200), url: httpsOrHttp }),
  z.strictObject({
    kind: z.literal("email"),
    name: z.string().trim().min(1, "Give it a name.").max(200),
    to: z.array(z.email("An email address.")).min(1, "Name at least one recipient.").max(50),
    /** An SMTP credential; without one, messages go to Baton's outbox. */
    credential: z.string().min(1).max(200).optional(),
  }),
]);

export const alertRuleBody = z.strictObject({
  name: z.string().trim().min(1, "Give it a name.").max(200),
  kind: z.enum(ALERT_KINDS),
  /** One workflow, or every workflow when left out. */
  workflowId: z.uuid().nullable().optional(),
  params: z
    .strictObject({
      percent: z.number().min(0).max(100).optional(),
      windowMinutes: z.number().gt(0).max(7 * 24 * 60).optional(),
      minRuns: z.int().min(1).max(100_000).optional(),
      maxPerHour: z.int().min(1).max(1000).optional(),
    })
    .default({}),
  channelIds: z.array(z.uuid()).min(1, "Choose at least one channel.").max(20),
  enabled: z.boolean().default(true),
});

export const updateAlertRuleBody = alertRuleBody.partial();

export const listAlertsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), ruleId: z.uuid().optional() });
