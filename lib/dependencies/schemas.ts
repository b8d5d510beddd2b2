// Dependencies: request bodies and the form of a key (browser-safe).
import { z } from "zod";

export const dependencySettingsBody = z.strictObject({
  failureThreshold: z.int().min(1).max(10_000).optional().meta({ description: "Failures within the window that open the breaker." }),
  windowMs: z.int().min(1_000).max(86_400_000).optional(),
  coolDownMs: z.int().min(100).max(86_400_000).optional().meta({ description: "How long it stays open before probes go through." }),
  halfOpenProbes: z.int().min(1).max(100).optional(),
  ratePerSecond: z.number().positive().max(100_000).nullable().optional().meta({ description: "At most this many calls a second, across all workers; null removes the limit." }),
  maxConcurrent: z.int().min(1).max(10_000).nullable().optional().meta({ description: "At most this many calls in flight at once, across all workers; null removes the limit." }),
  burst: z.int().min(1).max(100_000).optional().meta({ description: "Calls that may go at once after a quiet spell (the bucket's size). Default 1." }),
});

export const DEPENDENCY_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** The concurrency scope of a dependency's limit (lib/engine/concurrency.ts); steps' own scopes
 * start with their workflow's id, so the two never meet. */
export const dependencyScope = (key: string) => `dependency:${key}`;
