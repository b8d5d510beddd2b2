// The browser's API client: JSON in, JSON out, problem documents turned into ApiProblem.
import type { FieldError } from "../api/errors.ts";

export class ApiProblem extends Error {
  readonly status: number;
  readonly errors: FieldError[];
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.detail === "string" ? body.detail : `Request failed with status ${status}`);
    this.status = status;
    this.body = body;
    this.errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  }

  /** The message for one field, for showing next to its input. */
  fieldError(path: string): string | undefined {
    return this.errors.find((e) => e.path === path)?.message;
  }
}

/** A failed request's messages by field, for a form: the problem's fields (their paths without
 * `prefix`), or its message on `fallback` when it names none. */
export function fieldErrorsOf(error: unknown, fallback: string, prefix?: RegExp): Record<string, string> {
  if (error instanceof ApiProblem && error.errors.length) return Object.fromEntries(error.errors.map((e) => [prefix ? e.path.replace(prefix, "") : e.path, e.message]));
  return { [fallback]: (error as Error).message };
}

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  if (response.status === 204) return undefined as T;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiProblem(response.status, body);
  return body as T;
}
