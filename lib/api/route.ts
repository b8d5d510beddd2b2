// The wrapper every /api/v1 route handler goes through, in this order: request id and log,
// authentication, same-origin check for cookie-authenticated writes, authorization, query and
// body parsing with zod, the handler, and error mapping to application/problem+json.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { log, type Logger } from "../log.ts";
import { env } from "../env.ts";
import type { Actor } from "../auth/actor.ts";
import { can, rolesWith, type Permission } from "../auth/permissions.ts";
import { authenticate } from "../auth/authenticate.ts";
import { readLimited } from "../read-limited.ts";
import { ApiError, badRequest, forbidden, problemResponse, unauthorized, unprocessable, zodFieldErrors, type FieldError } from "./errors.ts";
import "../messages.ts";
import { contextOf, endSpan, startSpan, traceIdOf, traceparentOf } from "../tracing/tracing.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

interface Spec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  /** The permission required; "public" routes skip authentication (health, login). */
  permission: Permission | "public";
  body?: B;
  /** Accept a request without a body, parsed as `{}` (e.g. publish with no note). */
  optionalBody?: boolean;
  query?: Q;
}

interface Context<B, Q, A> {
  request: Request;
  actor: A;
  body: B;
  query: Q;
  params: Record<string, string>;
  log: Logger;
  requestId: string;
  /** The request's span as a W3C traceparent, when tracing is on (a run it starts is its child). */
  traceparent?: string;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
type Handler<B, Q, A> = (ctx: Context<B, Q, A>) => Promise<Response | object | null>;
type NextHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  spec: Spec<B, Q> & { permission: "public" },
  handler: Handler<Infer<B>, Infer<Q>, Actor | null>,
): NextHandler;
export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  spec: Spec<B, Q> & { permission: Permission },
  handler: Handler<Infer<B>, Infer<Q>, Actor>,
): NextHandler;
export function route(spec: Spec<z.ZodType | undefined, z.ZodType | undefined>, typedHandler: Handler<never, never, never>): NextHandler {
  // The overloads above type the context; here it is assembled from parsed, unknown values.
  const handler = typedHandler as unknown as Handler<unknown, unknown, Actor | null>;
  return async (request, context) => {
    const started = performance.now();
    const headerId = request.headers.get("x-request-id");
    const requestId = headerId && /^[\w.-]{1,100}$/.test(headerId) ? headerId : randomUUID();
    const url = new URL(request.url);
    // A webhook's URL token is its secret: logs get the path without it.
    const path = url.pathname.replace(/^(\/api\/v1\/hooks\/[^/]+\/)[^/]+$/, "$1[redacted]");
    // A caller's traceparent makes this request's span (and a run it starts) part of its trace.
    const span = startSpan(`${request.method} /api/v1${(spec as { path?: string }).path ?? path}`, contextOf(request.headers.get("traceparent")), { "http.request.method": request.method, "url.path": path, "baton.request_id": requestId });
    const traceparent = traceparentOf(span);
    const traceId = traceIdOf(traceparent);
    const reqLog = log.child({ reqId: requestId, method: request.method, path, ...(traceId ? { traceId } : {}) });
    let response: Response;
    try {
      const actor = await authenticate(request);
      if (spec.permission !== "public") authorize(request, actor, spec.permission);
      const rawParams = await context.params;
      const params = Object.fromEntries(
        Object.entries(rawParams ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]),
      );
      const query = spec.query ? parseQuery(spec.query, url) : undefined;
      const body = spec.body ? await parseBody(spec.body, request, spec.optionalBody) : undefined;
      const result = await handler({ request, actor, body, query, params, log: reqLog, requestId, traceparent });
      response = result instanceof Response ? result : Response.json(result);
      response.headers.set("x-request-id", requestId);
    } catch (error) {
      response = toProblem(error, requestId, reqLog);
    }
    const ms = Math.round(performance.now() - started);
    reqLog[response.status >= 500 ? "error" : "info"]({ status: response.status, ms }, "request");
    endSpan(span, response.status >= 500 ? new Error(`HTTP ${response.status}`) : undefined, { "http.response.status_code": response.status });
    return response;
  };
}

function authorize(request: Request, actor: Actor | null, permission: Permission): asserts actor is Actor {
  if (!actor) {
    throw request.headers.has("authorization")
      ? unauthorized("The API token is malformed, unknown or revoked.")
      : unauthorized();
  }
  if (actor.via === "cookie" && WRITE_METHODS.has(request.method)) assertSameOrigin(request);
  if (!can(actor.role, permission)) {
    throw forbidden(`This needs the ${permission} permission, held by: ${rolesWith(permission).join(", ")}. You are ${actor.role}.`);
  }
}

/** Browsers send Origin on every cross-site and same-site write; a cookie-authenticated write
 * must come from Baton's own pages (CSRF protection; SameSite=Lax covers older browsers). */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (!origin) throw forbidden("Cookie-authenticated writes must carry an Origin header from Baton's own pages.");
  if (!allowedOrigins(request).includes(origin)) {
    throw forbidden(`Origin ${origin} is not allowed to write with a session cookie.`);
  }
}

function allowedOrigins(request: Request): string[] {
  const origins: string[] = [];
  if (env.BATON_PUBLIC_URL) origins.push(new URL(env.BATON_PUBLIC_URL).origin);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (host) {
    const proto = request.headers.get("x-forwarded-proto")?.split(",")[0].trim() ?? new URL(request.url).protocol.slice(0, -1);
    origins.push(`${proto}://${host}`);
  }
  return origins;
}

function parseQuery(schema: z.ZodType, url: URL): unknown {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    raw[key] = values.length > 1 ? values : values[0];
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const errors = zodFieldErrors(result.error, ["query"]);
    throw badRequest(summary(errors, "query parameters"), errors);
  }
  return result.data;
}

export async function readJson(request: Request, options: { limit?: number; optional?: boolean } = {}): Promise<unknown> {
  const limit = options.limit ?? MAX_BODY_BYTES;
  const tooLarge = () => new ApiError(413, "payload-too-large", `The body exceeds the limit of ${limit} bytes.`, { limit });
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  const text = await readLimited(request.body, limit, tooLarge);
  if (!text.trim()) {
    if (options.optional) return {};
    throw badRequest("The body is empty; send a JSON object.");
  }
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new ApiError(415, "unsupported-media-type", "Send the body as JSON with Content-Type: application/json.");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

async function parseBody(schema: z.ZodType, request: Request, optional = false): Promise<unknown> {
  const result = schema.safeParse(await readJson(request, { optional }));
  if (!result.success) {
    const errors = zodFieldErrors(result.error);
    throw unprocessable(summary(errors, "fields"), errors);
  }
  return result.data;
}

/** The problem's detail: the sentences themselves when there are few, else how many and which. */
function summary(errors: FieldError[], what: string): string {
  if (errors.length <= 3) return errors.map((e) => (e.path === "(root)" ? e.message : /^[A-Z]/.test(e.message) ? e.message : `${e.path}: ${e.message}`)).join(" ");
  return `${errors.length} ${what} need attention: ${errors.map((e) => e.path).join(", ")}.`;
}

function toProblem(error: unknown, requestId: string, reqLog: Logger): Response {
  if (error instanceof ApiError) {
    const headers: Record<string, string> = error.status === 401 ? { "www-authenticate": 'Bearer realm="baton"' } : {};
    if (typeof error.extra.retryAfter === "number") headers["retry-after"] = String(error.extra.retryAfter);
    return problemResponse(error, requestId, headers);
  }
  if (error instanceof z.ZodError) {
    return problemResponse(unprocessable("The request is invalid.", zodFieldErrors(error)), requestId);
  }
  if (error instanceof Error && error.message === "timeout exceeded when trying to connect") {
    // Every database connection of this process stayed busy past the pool's wait: overloaded, not
    // broken. 503 with Retry-After tells clients (and webhook senders) to try again shortly.
    reqLog.warn({ err: error }, "no database connection free in time; answered 503");
    return problemResponse(new ApiError(503, "busy", "Baton is too busy to take this request now; try again in a few seconds."), requestId, { "retry-after": "2" });
  }
  reqLog.error({ err: error }, "unhandled error");
  return problemResponse(
    new ApiError(500, "internal", `Something went wrong on our side. Quote request id ${requestId} when reporting it.`),
    requestId,
  );
}
