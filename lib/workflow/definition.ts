// The workflow definition format, shared by the API, the editor and the worker. This schema is
// the structure; step configs and graph rules are checked by validate.ts.
import { z } from "zod";
import { definitionMessages as say } from "../messages.ts";
import { entryStepType } from "../steps/index.ts";
import { DEPENDENCY_KEY } from "../dependencies/schemas.ts";

/** Node ids are referenced in templates as `steps.<id>.output`, so they are identifiers. */
export const NODE_ID = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const retryPolicySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(100).optional().meta({ title: "Attempts", description: "In all, the first included. Default 3." }),
  initialDelayMs: z.int().min(0).max(86_400_000).optional().meta({ title: "First wait (ms)", description: "Longest wait before the second attempt. Default 1000." }),
  multiplier: z.number().min(1).max(10).optional().meta({ title: "Backoff multiplier", description: "Each further wait may be this many times longer. Default 2." }),
  maxDelayMs: z.int().min(0).max(7 * 86_400_000).optional().meta({ title: "Longest wait (ms)", description: "Upper bound of any wait. Default 60000." }),
  jitter: z.enum(["full", "none"]).optional().meta({ title: "Jitter", description: "full (default): a random wait up to the bound, which spreads retries; none: exactly the bound." }),
});
export type RetryPolicyInput = z.infer<typeof retryPolicySchema>;

/** What one definition may hold: bounds on the work of validating, storing and drawing it. */
export const DEFINITION_LIMITS = { nodes: 2000, edges: 10_000, configStringChars: 100_000, jsonChars: 1_000_000 };


/** Each string in a config at most `configStringChars` long, reported at its own path. */
function boundedStrings(value: unknown, ctx: z.RefinementCtx, path: (string | number)[] = []): void {
  if (typeof value === "string") {
    if (value.length > DEFINITION_LIMITS.configStringChars) {
      ctx.addIssue({ code: "custom", path, message: say.tooLong(value.length, DEFINITION_LIMITS.configStringChars) });
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => boundedStrings(v, ctx, [...path, i]));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) boundedStrings(v, ctx, [...path, k]);
  }
}

export const nodeSchema = z.strictObject({
  id: z.string().regex(NODE_ID, say.badStepId()),
  type: z.string().min(1, "Choose a step type."),
  name: z.string().max(200).optional(),
  position: z.strictObject({ x: z.number(), y: z.number() }),
  config: z
    .record(z.string(), z.unknown())
    .default({})
    .superRefine((config, ctx) => boundedStrings(config, ctx)),
  retry: retryPolicySchema.optional(),
  timeoutMs: z.int().min(1).max(86_400_000).optional(),
  /** Sagas: run this step's compensation even when it failed or was cancelled mid-way (its side
   * effect may have half happened), not only when it succeeded. */
  compensateIfFailed: z.boolean().optional(),
  /** At most `limit` attempts of this step running at once, per value of `key` (a template such
   * as {{ input.customerId }}; the whole step when left out), across all runs and workers. */
  concurrency: z
    .strictObject({
      key: z.string().max(1_000).optional().meta({ title: "Per", description: "A template, e.g. {{ input.customerId }}: the limit counts per value. Empty: for the step as a whole." }),
      limit: z.int().min(1).max(10_000).meta({ title: "At most at once" }),
    })
    .optional(),
  /** The dependency this step calls, whose circuit breaker gates it (an HTTP step's default is
   * its URL's host): a name shared by the steps of every workflow that call the same thing. */
  dependency: z
    .string()
    .regex(DEPENDENCY_KEY, "A dependency is a name such as payments-api or api.example.com: letters, digits and . _ : -.")
    .optional(),
});

/** An attempt without a `timeoutMs` of its own is aborted after this long. */
export const DEFAULT_STEP_TIMEOUT_MS = 5 * 60_000;
export type WorkflowNode = z.infer<typeof nodeSchema>;

export const edgeSchema = z.strictObject({
  id: z.string().min(1).max(100),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().min(1).optional(),
  /** Edges outside the normal flow: nothing runs along them while the run goes forward.
   * "compensation" (drawn dashed): its target undoes its source when the run fails.
   * "body" (drawn dotted, from a for-each's "each item" handle): its target runs once per item. */
  kind: z.enum(["compensation", "body"]).optional(),
});
export type WorkflowEdge = z.infer<typeof edgeSchema>;

export const definitionSchema = z
  .strictObject({
    nodes: z.array(nodeSchema).max(DEFINITION_LIMITS.nodes, say.tooManySteps(DEFINITION_LIMITS.nodes)),
    edges: z.array(edgeSchema).max(DEFINITION_LIMITS.edges, say.tooManyEdges(DEFINITION_LIMITS.edges)),
  })
  .superRefine((definition, ctx) => {
    const chars = JSON.stringify(definition).length;
    if (chars > DEFINITION_LIMITS.jsonChars) {
      ctx.addIssue({ code: "custom", path: [], message: say.tooBig(chars, DEFINITION_LIMITS.jsonChars) });
    }
  });
export type Definition = z.infer<typeof definitionSchema>;

/** A new workflow: the entry step alone (id and name from its type: "start", "Start"). */
export function emptyDefinition(): Definition {
  const entry = entryStepType();
  return {
    nodes: [{ id: entry.type, type: entry.type, name: entry.label, position: { x: 0, y: 0 }, config: structuredClone(entry.defaultConfig) as Record<string, unknown> }],
    edges: [],
  };
}
