// What Baton keeps of a step's data must not carry credentials: a resolved `authorization`
// header, a `set-cookie` answer, `https://user:pass@host`, `?access_token=...`. Everything a
// step persists or logs (its resolved input, output, error and log lines, and so the events
// and API answers made from them) passes through `Redactor.scrub`, which
// - replaces the values of sensitive headers (by name) inside any `headers` object,
// - removes credentials and sensitive query values from URLs in strings,
// - masks every occurrence of a secret value the step registered (the real header value, say,
//   echoed in a response body or an error message).
// The real values live only in memory for the call.
import { env } from "../env.ts";
import { compileRe2 } from "../expressions/re2.ts";

export const REDACTED = "[redacted]";

const SENSITIVE_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token", "x-csrf-token", "x-xsrf-token"]);
/** Header, query-parameter and body-field names that hold credentials, beyond the list above:
 * tokens, secrets, passwords (pass, pwd), keys (api_key, x-auth-key, subscription-key,
 * access_key, private_key, `key` alone as Google's), signatures (`sig` alone as Azure's),
 * credentials, sessions, `auth` alone. (Not Idempotency-Key: Baton's own, and no secret.) */
const SENSITIVE_NAME = /token|secret|passw|^pwd$|^pass$|(api|auth|subscription|access|private)[-_]?key|^key$|signature|^sig$|credential|session|^auth$|[-_]auth$|^auth[-_]/i;
const extra = env.BATON_REDACT_PATTERN ? compileRe2(env.BATON_REDACT_PATTERN, "i") : undefined;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_HEADERS.has(name.toLowerCase()) || SENSITIVE_NAME.test(name) || (extra?.test(name) ?? false);
}

/** A URL without its user info and with sensitive query values replaced; other text as it was. */
export function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  const url = URL.parse(text);
  if (!url) return text;
  const hadCredentials = url.username !== "" || url.password !== "";
  url.username = "";
  url.password = "";
  let sensitiveQuery = false;
  for (const name of new Set(url.searchParams.keys())) {
    if (isSensitiveName(name)) {
      url.searchParams.set(name, "REDACTED");
      sensitiveQuery = true;
    }
  }
  if (!hadCredentials && !sensitiveQuery) return text;
  // Written plainly (not %5Bredacted%5D): people read these URLs on the run page.
  const href = url.href.replace(/=REDACTED(?=&|#|$)/g, `=${REDACTED}`);
  return hadCredentials ? href.replace("://", `://${REDACTED}@`) : href;
}

/** Redacted header values, from a plain object or Headers. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSensitiveName(name) ? REDACTED : value]));
}

const AUTH_SCHEMES = new Set(["bearer", "basic", "token", "digest", "negotiate"]);
const MIN_SECRET_CHARS = 6;

/** Collects one step attempt's secret values and scrubs them out of anything kept. */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a credential: the value, its words (`Bearer abc…` → `abc…`) and a Basic password. */
  secret(value: string | undefined | null): void {
    if (!value || value === REDACTED) return;
    const add = (s: string) => s.length >= MIN_SECRET_CHARS && this.#secrets.add(s);
    add(value);
    const words = value.split(/\s+/);
    for (const word of words) if (!AUTH_SCHEMES.has(word.toLowerCase())) add(word);
    if (words[0]?.toLowerCase() === "basic" && words[1]) {
      const decoded = Buffer.from(words[1], "base64").toString("utf8");
      add(decoded);
      add(decoded.slice(decoded.indexOf(":") + 1));
    }
  }

  /** Registers the sensitive parts of a request: header values by name, URL credentials and
   * query values, and the values of sensitive fields in its body (JSON or form-encoded). */
  request(url: string, headers: Record<string, string>, body?: unknown): void {
    for (const [name, value] of Object.entries(headers)) if (isSensitiveName(name)) this.secret(value);
    const parsed = URL.parse(url);
    if (parsed) {
      // `https://TOKEN@host` carries its secret as the user name.
      this.secret(decodeURIComponent(parsed.username));
      this.secret(decodeURIComponent(parsed.password));
      for (const [name, value] of parsed.searchParams) if (isSensitiveName(name)) this.secret(value);
    }
    if (typeof body === "string" && /^[^=&\s]+=/.test(body)) {
      for (const [name, value] of new URLSearchParams(body)) if (isSensitiveName(name)) this.secret(value);
    } else {
      this.#fields(body);
    }
  }

  /** Values of sensitive fields anywhere in a JSON value. */
  #fields(value: unknown): void {
    if (Array.isArray(value)) value.forEach((v) => this.#fields(v));
    else if (value && typeof value === "object") {
      for (const [name, v] of Object.entries(value)) {
        if (isSensitiveName(name) && (typeof v === "string" || typeof v === "number")) this.secret(String(v));
        else this.#fields(v);
      }
    }
  }

  #text(text: string): string {
    let out = redactUrl(text);
    // Longest first, so a value is not half-masked by one of its own words.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** A copy of `value` fit to store or log. */
  scrub<T>(value: T): T {
    return this.#walk(value, false) as T;
  }

  /** The same for what a step was asked to do (its resolved config): there, any field with a
   * sensitive name (a `password` in a request body, say) is redacted too. An output keeps such
   * fields, since later steps may need them (a token an API handed out). */
  scrubInput<T>(value: T): T {
    return this.#walk(value, true) as T;
  }

  /** `name`: the header (inside a `headers` object) or, with `fields`, the field this value is under. */
  #walk(value: unknown, fields: boolean, name?: string): unknown {
    if (typeof value === "string" || typeof value === "number") {
      if (name !== undefined && isSensitiveName(name)) return REDACTED;
      return typeof value === "string" ? this.#text(value) : value;
    }
    if (Array.isArray(value)) return value.map((v) => this.#walk(v, fields, name));
    if (value && typeof value === "object") return this.#object(value as Record<string, unknown>, fields, false);
    return value;
  }

  #object(object: Record<string, unknown>, fields: boolean, isHeaders: boolean): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(object).map(([key, v]) => {
        if (isHeaders) return [key, this.#walk(v, fields, key)];
        if (key.toLowerCase() === "headers" && v !== null && typeof v === "object" && !Array.isArray(v)) return [key, this.#object(v as Record<string, unknown>, fields, true)];
        return [key, this.#walk(v, fields, fields ? key : undefined)];
      }),
    );
  }

  /** An error fit to store: the same class of failure (name, retry meaning, code), scrubbed text. */
  error(error: unknown): unknown {
    if (!(error instanceof Error)) return typeof error === "string" ? this.#text(error) : error;
    const e = error as Error & { retryable?: boolean; code?: string; details?: Record<string, unknown>; retryAfterMs?: number };
    const copy = new Error(this.#text(e.message)) as typeof e;
    copy.name = e.name;
    copy.stack = e.stack ? this.#text(e.stack) : undefined;
    if (e.retryable !== undefined) copy.retryable = e.retryable;
    if (e.code !== undefined) copy.code = e.code;
    if (e.details) copy.details = this.scrub(e.details);
    if (e.retryAfterMs !== undefined) copy.retryAfterMs = e.retryAfterMs;
    return copy;
  }
}
