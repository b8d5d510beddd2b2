// HTTP requests, under the egress policy (a refused address fails at once, naming the rule).
// 5xx, 408, 429, network errors and timeouts are retryable (429 and 503 honour Retry-After);
// other statuses outside the success set fail at once. Bodies are read up to a size limit; JSON
// responses are parsed. Credentials in the request are registered with the redactor, so the
// attempt's input, output, errors and logs keep none of them.
import { NonRetryableError, RetryableError, RetryAfterError } from "#lib/engine/errors.ts";
import { readLimited } from "#lib/read-limited.ts";
import { egressDenial, outboundFetch } from "#lib/net/outbound.ts";
import { redactUrl } from "#lib/security/redact.ts";
import { definitions } from "#lib/steps/index.ts";
import { defineExecutor } from "./types.ts";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const MAX_RETRY_AFTER_MS = 3_600_000;

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : new Date(header).getTime() - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined;
}

export const http = defineExecutor(definitions.http, async (config, ctx) => {
  const url = config.url.startsWith("/") ? new URL(config.url, ctx.baseUrl) : new URL(config.url);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const hasBody = config.body !== undefined && config.method !== "GET" && config.method !== "HEAD";
  // The step's span travels on (W3C Trace Context), unless the config sends its own.
  const headers = new Headers({ "user-agent": "Baton", "idempotency-key": ctx.stepKey, ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}) });
  if (hasBody) headers.set("content-type", typeof config.body === "string" ? "text/plain; charset=utf-8" : "application/json");
  for (const [k, v] of Object.entries(config.headers ?? {})) headers.set(k, v);
  if (config.credential) {
    const auth = await ctx.openCredential(config.credential, ["http_header", "http_bearer", "http_basic"]);
    if (auth.kind === "http_header") headers.set(String(auth.settings.header), auth.value);
    else if (auth.kind === "http_bearer") headers.set("authorization", `Bearer ${auth.value}`);
    else headers.set("authorization", `Basic ${Buffer.from(`${auth.settings.username}:${auth.value}`).toString("base64")}`);
  }
  // Where a request comes from is for proxies to say: a step must not claim an address (Baton's
  // own sign-in throttling trusts X-Forwarded-For behind a proxy).
  for (const name of ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "forwarded"]) headers.delete(name);
  ctx.redactor.request(url.href, Object.fromEntries(headers), config.body);
  const shown = redactUrl(url.href);
  // fetch refuses URLs with credentials: they become Basic authentication, as curl does.
  if (url.username || url.password) {
    if (!headers.has("authorization")) {
      const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64");
      headers.set("authorization", `Basic ${basic}`);
      ctx.redactor.secret(`Basic ${basic}`);
    }
    url.username = "";
    url.password = "";
  }

  const timeout = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  let response: Awaited<ReturnType<typeof outboundFetch>>;
  try {
    response = await outboundFetch(url, {
      method: config.method,
      headers: Object.fromEntries(headers),
      body: hasBody ? (typeof config.body === "string" ? config.body : JSON.stringify(config.body)) : undefined,
      signal: AbortSignal.any([ctx.signal, timeout]),
      redirect: "follow",
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const denied = egressDenial(error);
    if (denied) throw new NonRetryableError(denied.message, { code: "egress_denied", details: { rule: denied.rule } });
    if (timeout.aborted) throw new RetryableError(`no response within ${timeoutMs} ms`, { code: "timeout" });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RetryableError(`request to ${url.origin} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { code: "network" });
  }

  const limit = config.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const text = await readLimited(
    response.body as ReadableStream<Uint8Array> | null,
    limit,
    () => new NonRetryableError(`the response is larger than ${limit} bytes (maxResponseBytes)`, { code: "response_too_large" }),
  );
  const ms = Math.round(performance.now() - started);
  ctx.log(response.ok ? "info" : "warn", `${config.method} ${shown} → ${response.status} in ${ms} ms`);
  let body: unknown = text;
  if (/\bjson\b/i.test(response.headers.get("content-type") ?? "") && text) {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  const output = { status: response.status, headers: Object.fromEntries(response.headers), body };

  const success = config.successStatus ? config.successStatus.includes(response.status) : response.status >= 200 && response.status < 300;
  if (success) return { output };
  // Masked before it is cut, so that no credential is kept half.
  const details = { status: response.status, body: ctx.redactor.scrub(text).slice(0, 2000) };
  const message = `HTTP ${response.status} from ${config.method} ${shown}`;
  const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get("retry-after")) : undefined;
  if (wait !== undefined) throw new RetryAfterError(message, wait, { code: "http_status", details });
  if (response.status >= 500 || response.status === 429 || response.status === 408) throw new RetryableError(message, { code: "http_status", details });
  throw new NonRetryableError(message, { code: "http_status", details });
});
