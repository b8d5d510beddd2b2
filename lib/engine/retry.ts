// Retry policy and backoff: exponential, capped, with full jitter by default (a random wait
// between 0 and the bound spreads retries of many failing steps apart).
import type { RetryPolicyInput } from "../workflow/definition.ts";

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  jitter: "full" | "none";
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 60_000, jitter: "full" };

export const retryPolicy = (input?: RetryPolicyInput): RetryPolicy => ({ ...DEFAULT_RETRY, ...input });

/** The wait before the attempt after `failedAttempt` (1-based). */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (failedAttempt - 1));
  return Math.round(policy.jitter === "full" ? random() * bound : bound);
}
