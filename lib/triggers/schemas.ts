// Trigger bodies: what starts a workflow (a cron schedule, a webhook), its config per kind, and the
// template that builds the run's input. Browser-safe: the editor's Triggers panel uses them too.
import { z } from "zod";
import { REPEATED_TIME_POLICIES, SKIPPED_TIME_POLICIES, cronProblem, timezoneProblem } from "./schedule.ts";
import { expressionProblem, findTemplates } from "../workflow/templates.ts";

export const TRIGGER_KINDS = ["cron", "webhook", "event"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** The actor of what a trigger does (starting runs, cancelling under cancel_other). */
export const triggerActor = (trigger: { id: string }) => `trigger:${trigger.id}`;

/** How people read a trigger's kind. */
export const triggerKindLabel = (kind: string) => ({ cron: "schedule", webhook: "webhook", event: "event" })[kind] ?? kind;

/** What a cron fire does when the trigger's previous run is still going (Temporal's policies). */
export const OVERLAP_POLICIES = ["skip", "buffer_one", "buffer_all", "cancel_other", "allow_all"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export const overlapDescriptions: Record<OverlapPolicy, string> = {
  skip: "Skip this fire while the previous run is going.",
  buffer_one: "Start it when the previous run ends; at most one waits, later fires are skipped.",
  buffer_all: "Start every fire in turn, each after the previous run ends.",
  cancel_other: "Cancel the previous run, then start.",
  allow_all: "Start every fire at once, however many runs are going.",
};

/** How a webhook request proves where it comes from. */
export const VERIFICATIONS = ["standard", "stripe", "github", "token"] as const;
export type Verification = (typeof VERIFICATIONS)[number];

export const verificationDescriptions: Record<Verification, string> = {
  standard: "Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers (HMAC-SHA256).",
  stripe: "Stripe: the Stripe-Signature header (t=…,v1=…).",
  github: "GitHub: the X-Hub-Signature-256 header (sha256=…).",
  token: "A secret token in the URL, for senders that cannot sign. Weaker: anyone who sees the URL can call it.",
};

const MINUTE = 60_000;

const problem = (check: (value: string) => string | null | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const message = check(value);
  if (message) ctx.addIssue({ code: "custom", message });
};

export const cronConfig = z.strictObject({
  cron: z.string().trim().min(1, "Enter a cron expression, such as 0 9 * * 1-5.").max(200).superRefine(problem(cronProblem)),
  timezone: z.string().trim().min(1).max(100).default("UTC").superRefine(problem(timezoneProblem)),
  /** A time the clock skips (spring forward). */
  onSkippedTime: z.enum(SKIPPED_TIME_POLICIES).default("shift"),
  /** A time the clock repeats (fall back). */
  onRepeatedTime: z.enum(REPEATED_TIME_POLICIES).default("first"),
  overlap: z.enum(OVERLAP_POLICIES).default("skip"),
  /** After downtime, fires older than this are counted as missed; the rest run once each, oldest first. */
  catchupWindowMs: z.int().min(0).max(7 * 24 * 60 * MINUTE).default(60 * MINUTE),
});
export type CronConfig = z.infer<typeof cronConfig>;

/** A JSON Schema the request body must match (checked with ajv when saved and per request). */
const jsonSchema = z.record(z.string(), z.json());

export const webhookConfig = z.strictObject({
  verification: z.enum(VERIFICATIONS).default("standard"),
  /** `async`: 202 with the run id at once; `sync`: wait for the run and answer with its output. */
  response: z.enum(["async", "sync"]).default("async"),
  syncTimeoutMs: z.int().min(1000).max(30_000).default(10_000),
  maxBodyBytes: z.int().min(1024).max(1024 * 1024).default(256 * 1024),
  schema: jsonSchema.optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfig>;

export const eventTriggerConfig = z.strictObject({
  eventType: z.string().min(1, "Choose an event type.").max(100),
  /** A JSONata condition on the event (`event.data.total > 100`); only events it is true for start a run. */
  filter: z
    .string()
    .max(2000)
    .superRefine(problem((e) => (e.trim() ? expressionProblem(e) : undefined)))
    .optional(),
});
export type EventTriggerConfig = z.infer<typeof eventTriggerConfig>;

/** The run's input: any JSON whose strings may be templates over what fired the trigger. */
const inputTemplate = z.json().superRefine((value, ctx) => {
  for (const { path, expression } of findTemplates(value)) {
    const message = expressionProblem(expression);
    if (message) ctx.addIssue({ code: "custom", message: `{{${expression}}}: ${message}`, path: path ? path.split(".") : [] });
  }
});

const name = z.string().trim().min(1, "Name the trigger.").max(200);
/** A signing secret the sender made (Stripe's whsec_…, the one set in GitHub); Baton makes one when absent. */
const senderSecret = z.string().trim().min(16, "A signing secret has at least 16 characters.").max(500);
const common = {
  name,
  input: inputTemplate.optional(),
  paused: z.boolean().default(false),
  /** Start this published version instead of the workflow's active one. */
  pinnedVersion: z.int().min(1).nullable().default(null),
};

export const createTriggerBody = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("cron"), ...common, config: cronConfig }),
  z.strictObject({ kind: z.literal("webhook"), ...common, config: webhookConfig.default(webhookConfig.parse({})), secret: senderSecret.optional() }),
  z.strictObject({ kind: z.literal("event"), ...common, config: eventTriggerConfig }),
]);
export type CreateTriggerBody = z.infer<typeof createTriggerBody>;

/** A change: any of the fields; the config is replaced whole (checked against the trigger's kind). */
export const updateTriggerBody = z
  .strictObject({
    name: name.optional(),
    input: inputTemplate.nullable().optional(),
    paused: z.boolean().optional(),
    pinnedVersion: z.int().min(1).nullable().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "Name at least one field to change.");
export type UpdateTriggerBody = z.infer<typeof updateTriggerBody>;

export const configSchemas = { cron: cronConfig, webhook: webhookConfig, event: eventTriggerConfig } as const;

/** Input templates when a trigger has none: what fired it, as it came. */
export const defaultInputs: Record<TriggerKind, unknown> = {
  cron: { scheduledAt: "{{ trigger.scheduledAt }}" },
  webhook: "{{ body }}",
  event: "{{ event.data }}",
};

export const backfillBody = z
  .strictObject({
    from: z.iso.datetime({ offset: true, error: "Enter a time in ISO 8601, such as 2026-11-27T10:00:00Z." }),
    to: z.iso.datetime({ offset: true, error: "Enter a time in ISO 8601, such as 2026-11-27T10:00:00Z." }),
  })
  .refine((b) => new Date(b.from) < new Date(b.to), { message: "from must come before to.", path: ["to"] })
  .refine((b) => new Date(b.to).getTime() <= Date.now() + MINUTE, { message: "A backfill covers the past: to must not be in the future.", path: ["to"] });

/** Rotating a webhook's secret: how long the previous one still verifies (default a day). */
const graceMs = z.int().min(0).max(7 * 24 * 60 * MINUTE).default(24 * 60 * MINUTE);
export const rotateSecretBody = z.strictObject({ graceMs, secret: senderSecret.optional() });
/** Rotating a workflow's callback signing secret: how long the previous one still signs too. */
export const rotateGraceBody = z.strictObject({ graceMs });
