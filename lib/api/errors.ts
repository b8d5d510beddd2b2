// The one API error type, and its mapping to RFC 9457 problem documents. Library code throws
// ApiError (or a ZodError); the route wrapper turns it into a response.
import type { z } from "zod";

export interface FieldError {
  /** JSON path of the offending field, e.g. `definition.nodes.2.config.url`. */
  path: string;
  message: string;
  /** Set for workflow-definition errors so the editor can show them on the node. */
  nodeId?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

export const badRequest = (message: string, errors?: FieldError[]) =>
  new ApiError(400, "bad-request", message, errors ? { errors } : {});
export const unauthorized = (message = "Sign in, or send an API token as `Authorization: Bearer <token>`.") =>
  new ApiError(401, "unauthorized", message);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const notFound = (what: string) => new ApiError(404, "not-found", `${what} does not exist.`);
export const conflict = (message: string, extra: Record<string, unknown> = {}) =>
  new ApiError(409, "conflict", message, extra);
export const unprocessable = (message: string, errors: FieldError[]) =>
  new ApiError(422, "validation-failed", message, { errors });

export function zodFieldErrors(error: z.ZodError, prefix: (string | number)[] = []): FieldError[] {
  return error.issues.map((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((key) => ({
      path: [...prefix, ...issue.path, ...(key === undefined ? [] : [key])].map(String).join(".") || "(root)",
      message: key === undefined ? issue.message : `Remove “${key}”: it is not a known field.`,
    }));
  }).flat();
}

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
  503: "Service unavailable",
};

export function problemResponse(error: ApiError, requestId: string, headers: HeadersInit = {}): Response {
  const body = {
    type: `urn:baton:problem:${error.code}`,
    title: titles[error.status] ?? "Error",
    status: error.status,
    detail: error.message,
    requestId,
    ...error.extra,
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "content-type": "application/problem+json", "x-request-id": requestId, ...headers },
  });
}
