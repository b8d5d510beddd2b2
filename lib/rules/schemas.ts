// Request bodies of the rule-set API (zod); the table itself is lib/rules/decision-table.ts.
import { z } from "zod";
import { decisionTableSchema } from "./decision-table.ts";

export const RULE_SET_KEY = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "A key is lowercase letters, digits and -, starting with a letter (at most 63), e.g. order-discount.");

/** A new table: one input, one output, no rows yet. */
export const emptyTable = () => ({
  inputs: [{ name: "amount", type: "number" as const }],
  outputs: [{ name: "result", type: "string" as const }],
  hitPolicy: "unique" as const,
  rows: [],
});

export const createRuleSetBody = z.strictObject({
  key: RULE_SET_KEY,
  name: z.string().trim().min(1, "Give it a name.").max(200),
  description: z.string().max(2000).default(""),
  table: decisionTableSchema.optional(),
});

export const saveRuleSetDraftBody = z.strictObject({
  table: decisionTableSchema,
  /** The draft revision this edit started from: a save over a newer one is refused (409). */
  revision: z.int().min(1).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
});

export const publishRuleSetBody = z.strictObject({
  note: z.string().max(2000).default(""),
});

export const evaluateRuleSetBody = z.strictObject({
  inputs: z.record(z.string(), z.json()),
  /** A published version's number, or "draft" (the default) to test the table being edited. */
  version: z.union([z.int().min(1), z.literal("draft")]).default("draft"),
});
