import { z } from "zod";
import { CREDENTIAL_NAME } from "../secrets/schemas.ts";
import { defineStep, jsonValue, templatable } from "./types.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export const http = defineStep({
  type: "http",
  label: "HTTP request",
  description:
    "Calls a URL. 5xx, 429, network errors and timeouts are retried; other 4xx fail at once. Sends the step's stable Idempotency-Key.",
  icon: "globe",
  category: "action",
  config: z.strictObject({
    method: z.enum(HTTP_METHODS).default("GET").meta({ title: "Method" }),
    url: z
      .string()
      .min(1, { error: "Enter the URL to call, such as https://api.example.com/orders.", abort: true })
      .refine(
        (u) => u.includes("{{") || u.startsWith("/") || (/^https?:\/\//i.test(u) && URL.canParse(u)),
        "Enter a URL that starts with http:// or https://, a path on Baton such as /api/v1/health, or a {{ template }}.",
      )
      .meta({ title: "URL", description: "Absolute, or a path starting with / for Baton's own API." }),
    headers: z.record(z.string(), z.string()).optional().meta({ title: "Headers" }),
    credential: z
      .string()
      .regex(CREDENTIAL_NAME, "Enter a credential's name.")
      .optional()
      .meta({ title: "Authentication (credential)", description: "An HTTP header, bearer token or basic auth credential, sent with the request.", credential: "http_header,http_bearer,http_basic" }),
    body: jsonValue.optional().meta({ title: "Body", description: "Sent as JSON (a string is sent as text)." }),
    timeoutMs: templatable(z.int().min(1).max(300_000)).optional().meta({ title: "Timeout (ms)", description: "Per request; default 30 s." }),
    successStatus: z
      .array(z.int().min(100).max(599))
      .optional()
      .meta({ title: "Success status codes", description: "Default: any 2xx." }),
    maxResponseBytes: z.int().min(1).max(10 * 1024 * 1024).optional().meta({ title: "Response size limit (bytes)", description: "Default 1 MiB." }),
  }),
  // No URL: a new HTTP step is not ready until someone says what it calls.
  defaultConfig: { method: "GET", url: "" },
  outputs: ["default"],
  acceptsInput: true,
  outputFields: () => ["status", "headers", "body"],
  // Baton's own API (a path) is not a dependency.
  dependencyOf: (config) => (typeof config.url === "string" && /^https?:\/\//i.test(config.url) ? (URL.parse(config.url)?.host ?? undefined) : undefined),
});
