// Event types and events: names, bodies and queries. Browser-safe: the registry page uses them.
import { z } from "zod";

/** Irregular past forms a name may end with (regular ones end in -ed). */
const IRREGULAR_PAST = new Set(["Sent", "Paid", "Made", "Built", "Sold", "Held", "Won", "Lost", "Began", "Begun", "Left", "Bought", "Brought", "Taken", "Given", "Done", "Run", "Set", "Put", "Cut", "Read", "Met", "Kept", "Found", "Told", "Got", "Gotten", "Written", "Chosen", "Frozen", "Broken", "Shown", "Known", "Grown", "Drawn", "Spent", "Split", "Shut", "Quit", "Rebuilt", "Resent", "Undone", "Withdrawn", "Overdue", "Reset"]);

/** Why an event type's name is not PascalCase past tense (OrderCompleted), or null. */
export function eventTypeNameProblem(name: string): string | null {
  if (!/^[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$/.test(name)) return "Write the name in PascalCase, such as OrderCompleted.";
  const last = name.match(/[A-Z][a-z0-9]*$/)?.[0] ?? name;
  if (!/ed$/.test(last) && !IRREGULAR_PAST.has(last)) return `Name what happened, in the past tense: ${name} should end in a verb such as Completed, Failed or Sent.`;
  return null;
}

export const EVENT_TYPE_NAME = z
  .string()
  .max(100)
  .superRefine((name, ctx) => {
    const message = eventTypeNameProblem(name);
    if (message) ctx.addIssue({ code: "custom", message });
  });

/** A JSON Schema for an event's data (compiled with ajv when saved). */
const schema = z.record(z.string(), z.json(), { error: "Give a JSON Schema object." });

export const createEventTypeBody = z.strictObject({
  name: EVENT_TYPE_NAME,
  description: z.string().max(2000).default(""),
  schema,
});

export const addEventTypeVersionBody = z.strictObject({
  schema,
  /** A breaking change must say so: it becomes a new major version. */
  major: z.boolean().default(false),
  note: z.string().max(1000).default(""),
});

export const publishEventBody = z.strictObject({
  type: z.string().min(1).max(100),
  /** The sender's id for this event: publishing the same (type, id) again stores and delivers it once. */
  id: z.string().min(1).max(200),
  data: z.json(),
  correlationId: z.string().min(1).max(200).optional(),
  occurredAt: z.iso.datetime({ offset: true, error: "Enter a time in ISO 8601, such as 2026-11-27T10:00:00Z." }).optional(),
});
export type PublishEventBody = z.infer<typeof publishEventBody>;

export const listEventsQuery = z.strictObject({
  type: z.string().max(100).optional(),
  /** The sender's event id. */
  id: z.string().max(200).optional(),
  correlationId: z.string().max(200).optional(),
  /** Events before this sequence number (the last of the previous page). */
  before: z.coerce.bigint().min(1n).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A path into an event, for Wait-for-event steps: `data.orderId`, `correlationId`, `id`. */
export const EVENT_PATH = /^(id|correlationId|data(\.[A-Za-z_][A-Za-z0-9_]*)+)$/;
