// Request bodies of the flag API (zod); the definition itself is lib/flags/definition.ts.
import { z } from "zod";
import { FLAG_KEY, flagDefinitionSchema } from "./definition.ts";

export const createFlagBody = z.strictObject({
  key: FLAG_KEY,
  name: z.string().trim().min(1, "Give it a name.").max(200),
  description: z.string().max(2000).default(""),
  kind: z.enum(["boolean", "variant"]).default("boolean"),
  /** A variant flag's values (two or more). */
  variants: z.array(z.string().min(1).max(100)).max(20).optional(),
  definition: flagDefinitionSchema.optional(),
});

export const saveFlagBody = z.strictObject({
  definition: flagDefinitionSchema,
  /** The version this edit started from: a save over a newer one is refused (409). */
  version: z.int().min(1).optional(),
  note: z.string().max(2000).default(""),
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
});

export const killSwitchBody = z.strictObject({
  enabled: z.boolean(),
  note: z.string().max(2000).default(""),
});

export const evaluateFlagBody = z.strictObject({
  context: z.record(z.string(), z.json()),
});
