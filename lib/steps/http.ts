import { z } from "zod";
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
      .min(1, "is required")
      .refine((u) => u.includes("{{") || u.startsWith("/") || URL.canParse(u), "must be an absolute http(s) URL, a path on Baton (/…), or a template")
      .refine((u) => u.includes("{{") || u.startsWith("/") || /^https?:/.test(u), "must use http or https")
      .meta({ title: "URL", description: "Absolute, or a path starting with / for Baton's own API." }),
    headers: z.record(z.string(), z.string()).optional().meta({ title: "Headers" }),
    body: jsonValue.optional().meta({ title: "Body", description: "Sent as JSON (a string is sent as text)." }),
    timeoutMs: templatable(z.int().min(1).max(300_000)).optional().meta({ title: "Timeout (ms)", description: "Per request; default 30 s." }),
    successStatus: z
      .array(z.int().min(100).max(599))
      .optional()
      .meta({ title: "Success status codes", description: "Default: any 2xx." }),
    maxResponseBytes: z.int().min(1).max(10 * 1024 * 1024).optional().meta({ title: "Response size limit (bytes)", description: "Default 1 MiB." }),
  }),
  defaultConfig: { method: "GET", url: "https://example.com" },
  outputs: ["default"],
  acceptsInput: true,
});
