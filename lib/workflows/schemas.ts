// Request bodies and queries of the workflow and run APIs. Browser-safe: the UI uses them too.
import { z } from "zod";
import { runStatuses } from "../engine/states.ts";
import { NODE_ID, nodeSchema } from "../workflow/definition.ts";

const name = z.string().trim().min(1, "Enter a name for the workflow.").max(200);
const description = z.string().max(5000);

export const createWorkflowBody = z.strictObject({
  name,
  description: description.optional(),
  /** A definition to start from; a start node alone when absent. */
  definition: z.unknown().optional(),
});

export const updateWorkflowBody = z
  .strictObject({ name: name.optional(), description: description.optional() })
  .refine((b) => b.name !== undefined || b.description !== undefined, "name at least one field to change");

export const saveDraftBody = z.strictObject({
  definition: z.unknown(),
  /** The draft revision this edit started from; a mismatch means someone else saved meanwhile (409). */
  revision: z.int().min(1).optional(),
});

export const autoRollbackRule = z.strictObject({
  /** Roll back when the canary's failure rate is over the stable one's by more than this many points. */
  margin: z.number().min(0).max(100),
  /** …once the canary has finished at least this many runs. */
  minRuns: z.int().min(1).max(100_000),
});

export const startRolloutBody = z.strictObject({
  versions: z
    .array(z.strictObject({ version: z.int().min(1), weight: z.number().gt(0, "A canary takes more than 0 %.").max(100) }))
    .min(1, "Name the canary version.")
    .max(5),
  /** A template giving the key runs stick by, e.g. {{ input.customerId }}; random when absent. */
  stickyKey: z.string().trim().max(500).optional(),
  autoRollback: autoRollbackRule.optional(),
});

export const promoteBody = z.strictObject({ version: z.int().min(1).optional(), note: z.string().max(1000).default("") });
export const rollbackBody = z.strictObject({ reason: z.string().max(1000).default("") });

export const publishBody = z.strictObject({
  note: z.string().trim().max(1000).optional(),
  /** Start the new version as a canary for this share of new runs, the active version keeping the rest. */
  canary: z
    .strictObject({
      weight: z.number().gt(0, "A canary takes more than 0 %.").max(100),
      stickyKey: z.string().trim().max(500).optional(),
      autoRollback: autoRollbackRule.optional(),
    })
    .optional(),
});

export const startRunBody = z.strictObject({
  input: z.json().default({}),
  version: z.int().min(1).optional(),
  correlationId: z.string().min(1).max(200).optional(),
  /** Baton POSTs the run's result here when it ends (retried until a 2xx answer). */
  callbackUrl: z
    .url({ protocol: /^https?$/, error: "Enter a URL that starts with http:// or https://." })
    .max(2000)
    // Credentials in the URL would end up in the delivery's error messages; a token in the path or
    // the query is kept with the URL alone.
    .refine((u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u), "Leave the user name and password out of the URL; put a token in its path or query instead.")
    .optional(),
});

export const startRunQuery = z.strictObject({
  wait: z.coerce.number().min(0).max(30, "Wait at most 30 seconds.").optional(),
});

const cursor = z.string().max(500).optional();
const limit = z.coerce.number().int().min(1).max(200).default(50);

export const listWorkflowsQuery = z.strictObject({ q: z.string().max(200).optional() });

const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const instant = z.iso.datetime({ offset: true, error: "Enter a time in ISO 8601, such as 2026-11-27T10:00:00Z." }).transform((s) => new Date(s));

export const listRunsQuery = z
  .strictObject({
    workflowId: z.uuid().optional(),
    /** Runs this trigger started. */
    triggerId: z.uuid().optional(),
    status: z.enum(runStatuses).optional(),
    /** Only runs with a stuck step (true), or only runs without (false). */
    stuck: flag.optional(),
    /** Created at or after. */
    from: instant.optional(),
    /** Created before. */
    to: instant.optional(),
    /** A run id, correlation id or idempotency key. */
    q: z.string().trim().min(1).max(200).optional(),
    cursor,
    limit,
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ["to"], message: "Choose an end after the start." });

export const listEventsQuery = z.strictObject({
  /** Events with an id above this one (the last id of the previous page). */
  after: z.coerce.bigint().min(0n).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const listStepLogsQuery = z.strictObject({
  /** Only the lines of this attempt. */
  attempt: z.coerce.number().int().min(1).optional(),
  /** Lines with an id above this one (the last id of the previous page). */
  after: z.coerce.bigint().min(0n).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const listStepItemsQuery = z.strictObject({
  /** Only items in this state. */
  status: z.enum(["pending", "running", "succeeded", "failed", "cancelled"]).optional(),
  /** Items with an index above this one (the last index of the previous page). */
  after: z.coerce.number().int().min(-1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const skipStepBody = z.strictObject({
  output: z.json().default(null),
  /** For a branching step: the branch to take. */
  branch: z.string().optional(),
});

export const replayBody = z.strictObject({
  fromNodeId: z.string().min(1, "Choose the step to replay from."),
  /** A new run input; the source run's input when absent. */
  input: z.json().optional(),
});

export const listDeadLettersQuery = z.strictObject({
  status: z.enum(["open", "resolved", "all"]).default("open"),
  cursor,
  limit,
});

/** What a step test or a template preview sees in place of a run: its input and the outputs of
 * earlier steps. Absent parts come from the workflow's samples (pinned, else its last run). */
export const sampleData = z.strictObject({
  input: z.json().optional(),
  steps: z.record(z.string().regex(NODE_ID, "Name steps by their ids."), z.strictObject({ output: z.json() })).optional(),
});

export const testStepBody = z.strictObject({
  /** The step as it is in the editor now (saved or not). */
  node: nodeSchema,
  sample: sampleData.optional(),
});

export const previewTemplatesBody = z.strictObject({
  /** Field key → its value as typed; `expression` for a bare JSONata expression (a condition's). */
  fields: z
    .record(z.string().min(1).max(200), z.strictObject({ value: z.json(), expression: z.boolean().optional() }))
    .refine((f) => Object.keys(f).length <= 50, "Preview at most 50 fields at once."),
  sample: sampleData.optional(),
});

export const pinSampleBody = z.strictObject({ output: z.json() });
