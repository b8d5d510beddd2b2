// Credentials as the API takes them. Browser-safe: the settings form uses the same rules.
import { z } from "zod";
import "../messages.ts";

export const credentialKinds = ["secret", "http_header", "http_bearer", "http_basic", "postgres", "smtp"] as const;
export type CredentialKind = (typeof credentialKinds)[number];

/** What each kind is, what its value holds, and its settings (not secret). */
export const kindInfo: Record<CredentialKind, { label: string; value: string }> = {
  secret: { label: "Secret", value: "The secret" },
  http_header: { label: "HTTP header", value: "The header's value" },
  http_bearer: { label: "HTTP bearer token", value: "The token" },
  http_basic: { label: "HTTP basic auth", value: "The password" },
  postgres: { label: "Postgres connection", value: "Connection URL (postgres://user:password@host:5432/db)" },
  smtp: { label: "SMTP server", value: "The password" },
};

/** Referenced from templates as secrets.NAME: an identifier. */
export const CREDENTIAL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const credentialName = z.string().regex(CREDENTIAL_NAME, "Use letters, digits and _ (not first), up to 64: it is written {{ secrets.NAME }}.");

const settingsFor = {
  secret: z.strictObject({}),
  http_header: z.strictObject({ header: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "Enter a header name, such as X-Api-Key.") }),
  http_bearer: z.strictObject({}),
  http_basic: z.strictObject({ username: z.string().min(1, "Enter the user name.").max(200) }),
  postgres: z.strictObject({}),
  smtp: z.strictObject({
    host: z.string().min(1, "Enter the server's host name.").max(253),
    port: z.int().min(1).max(65535).default(587),
    secure: z.boolean().default(false),
    username: z.string().max(200).optional(),
    from: z.email("Enter the sender address, such as noreply@example.com.").optional(),
  }),
} satisfies Record<CredentialKind, z.ZodType>;

/** Where a Postgres value must point: a postgres:// URL. */
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "Enter a postgres:// URL.");
const value = z.string().min(1, "Enter the value.").max(16_384);
const description = z.string().max(500);

/** A kind's settings, checked (an update's settings are checked against the stored kind). */
export const parseSettings = (kind: CredentialKind, settings: unknown) => (settingsFor[kind] as z.ZodType<Record<string, unknown>>).safeParse(settings ?? {});

export const createCredentialBody = z
  .strictObject({ name: credentialName, kind: z.enum(credentialKinds), description: description.default(""), settings: z.record(z.string(), z.unknown()).default({}), value })
  .transform((body, ctx) => {
    const settings = parseSettings(body.kind, body.settings);
    if (!settings.success) {
      for (const issue of settings.error.issues) ctx.addIssue({ code: "custom", path: ["settings", ...issue.path.map(String)], message: issue.message });
      return z.NEVER;
    }
    if (body.kind === "postgres" && !postgresUrl.safeParse(body.value).success) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "Enter a postgres:// URL." });
      return z.NEVER;
    }
    return { ...body, settings: settings.data };
  });
export type CreateCredentialBody = z.output<typeof createCredentialBody>;

export const updateCredentialBody = z
  .strictObject({ description: description.optional(), settings: z.record(z.string(), z.unknown()).optional(), value: value.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), "Change at least one of description, settings or value.");

