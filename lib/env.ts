// Configuration, parsed once per process. A wrong value stops start-up with a message that
// names the variable; every other module reads `env`, never `process.env`.
import { z } from "zod";
import { parseAllowList } from "./net/egress.ts";
import { compileRe2 } from "./expressions/re2.ts";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: port.default(3000),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" })
    .optional(),
  BATON_DATA_DIR: z.string().min(1).default(".data"),
  /** Unset: 54320 when free, else any free port (the embedded server is only reached through the URL Baton hands its processes). */
  BATON_PG_PORT: port.optional(),
  BATON_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Encrypts credentials (32 bytes, base64 or hex); unset: a key file in BATON_DATA_DIR. */
  BATON_SECRET_KEY: z.string().min(1).optional(),
  /** Older keys, comma-separated, to decrypt values not yet re-encrypted (npm run secrets:rotate). */
  BATON_SECRET_KEY_PREVIOUS: z.string().optional(),
  /** The database the Database step uses without a credential (the launcher makes `app` on the
   * embedded Postgres, with a role that cannot reach Baton's own database). */
  BATON_APP_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  BATON_ADMIN_EMAIL: z.email().optional(),
  BATON_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  /** A session unused this long ends (idle lifetime); each use extends it. */
  BATON_SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 7),
  /** A session ends this long after sign-in however much it is used (absolute lifetime). */
  BATON_SESSION_MAX_HOURS: z.coerce.number().positive().default(24 * 30),
  BATON_SEED_EXAMPLES: bool.default(true),
  /** Private and loopback destinations outbound calls may reach (see lib/net/egress.ts). */
  BATON_EGRESS_ALLOW: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((e) => e.trim()).filter(Boolean))
    .superRefine((entries, ctx) => {
      try {
        parseAllowList(entries);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** More header and query-parameter names to redact (a regular expression, case-insensitive). */
  BATON_REDACT_PATTERN: z
    .string()
    .optional()
    .superRefine((pattern, ctx) => {
      if (pattern === undefined) return;
      try {
        compileRe2(pattern, "i");
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** Proxies in front of the web process that append to X-Forwarded-For (0: none). */
  BATON_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  /** Password hashes (argon2id, 64 MiB each) one web process computes at once; more wait in line. */
  BATON_PASSWORD_HASHES_AT_ONCE: z.coerce.number().int().min(1).max(64).default(4),
  /** A step queued, waiting or overdue for a retry this long flags its run as stuck. */
  /** Where the run page links a run's trace: a URL with {traceId}, e.g. http://jaeger:16686/trace/{traceId}. */
  BATON_TRACE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** A bearer token for GET /metrics (Prometheus scrapers); without it, an API token or a session with read access. */
  BATON_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  BATON_STUCK_AFTER_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Expressions (templates, conditions) run in evaluator processes with these limits; see lib/expressions. */
  BATON_EXPRESSION_PROCESSES: z.coerce.number().int().min(1).max(64).default(2),
  BATON_EXPRESSION_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  BATON_EXPRESSION_MEMORY_MB: z.coerce.number().int().min(32).max(8192).default(256),
  BATON_EXPRESSION_MAX_RESULT_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  WORKER_PURE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
});

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {}

/** Parses an environment; throws EnvError naming every faulty variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set", as with `FOO= npm start`.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
}

function load(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    // Stop here with the message alone: a stack trace would bury which variable is wrong.
    console.error(`${error.message}\nFix these environment variables and start again.`);
    process.exit(2);
  }
}

export const env: Env = load();
