// Step failures carry their retry meaning: NonRetryableError fails the step at once,
// RetryAfterError asks for a given wait, anything else is retried by the step's policy.

interface FailureOptions {
  code?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class StepFailure extends Error {
  readonly retryable: boolean;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
  constructor(message: string, retryable: boolean, options: FailureOptions = {}) {
    super(message, { cause: options.cause });
    this.retryable = retryable;
    this.code = options.code;
    this.details = options.details;
  }
}

export class NonRetryableError extends StepFailure {
  constructor(message: string, options: FailureOptions = {}) {
    super(message, false, options);
    this.name = "NonRetryableError";
  }
}

export class RetryableError extends StepFailure {
  constructor(message: string, options: FailureOptions = {}) {
    super(message, true, options);
    this.name = "RetryableError";
  }
}

export class RetryAfterError extends RetryableError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: FailureOptions = {}) {
    super(message, options);
    this.name = "RetryAfterError";
    this.retryAfterMs = retryAfterMs;
  }
}

/** What is stored and shown of a failure. */
export interface StepErrorInfo {
  message: string;
  name: string;
  retryable: boolean;
  code?: string;
  details?: Record<string, unknown>;
  stack?: string;
}

export function describeError(error: unknown): StepErrorInfo & { retryAfterMs?: number } {
  if (error instanceof Error) {
    const e = error as Error & { retryable?: boolean; code?: string; details?: Record<string, unknown>; retryAfterMs?: number };
    return {
      message: e.message,
      name: e.name,
      retryable: e.retryable ?? true,
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      ...(e.details ? { details: e.details } : {}),
      ...(e.stack ? { stack: e.stack.split("\n").slice(0, 12).join("\n") } : {}),
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    };
  }
  return { message: String(error), name: "Error", retryable: true };
}
