// The OpenAPI 3.1 document of /api/v1, generated from the operations table (operations.ts):
// the same zod schemas and permissions the route handlers use, turned into JSON Schema by zod.
import { z } from "zod";
import { SESSION_COOKIE } from "../auth/sessions.ts";
import { rolesWith } from "../auth/permissions.ts";
import { MAX_BODY_BYTES } from "./route.ts";
import { operations, type Operation } from "./operations.ts";

type JsonSchema = Record<string, unknown>;

/** Shared definitions (zod puts recursive types such as JSON values in `$defs`), by name. */
const shared: Record<string, JsonSchema> = {};

/** A zod schema as JSON Schema, its `$defs` moved to components (a `#/$defs` reference would
 * point into the OpenAPI document's root, not the schema). */
function toSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, $defs: defs = {}, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const names: Record<string, string> = {};
  for (const [name, def] of Object.entries(defs)) {
    const text = JSON.stringify(def);
    names[name] = Object.keys(shared).find((k) => JSON.stringify(shared[k]) === text.replaceAll(`#/$defs/${name}`, `#/components/schemas/${k}`)) ?? `Def${Object.keys(shared).length + 1}`;
  }
  const rewrite = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(rewrite)
      : value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/") ? `#/components/schemas/${names[v.slice(8)]}` : rewrite(v)]))
        : value;
  for (const [name, def] of Object.entries(defs)) shared[names[name]] ??= rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

const PATH_PARAMS: Record<string, JsonSchema> = {
  id: { type: "string", format: "uuid" },
  number: { type: "integer", minimum: 1 },
  nodeId: { type: "string" },
};

function parameters(op: Operation) {
  const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: PATH_PARAMS[name] ?? { type: "string" } }));
  if (!op.query) return inPath;
  const query = toSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: query.required?.includes(name) ?? false,
    schema,
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
  }));
  return [...inPath, ...inQuery];
}

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

function responses(op: Operation) {
  const success = op.success.status === 204 ? { description: op.success.description } : { description: op.success.description, content: { [op.success.contentType ?? "application/json"]: {} } };
  return {
    [op.success.status]: success,
    ...(op.query ? { 400: problem("The query string (or a header) is invalid; `errors` names the fields.") } : {}),
    ...(op.permission !== "public"
      ? {
          401: problem("No credentials, or unknown ones."),
          403: problem(`The caller lacks the ${op.permission} permission (held by ${rolesWith(op.permission).join(", ")}), or a cookie write came from another origin.`),
        }
      : {}),
    ...(op.path.includes("{") ? { 404: problem("What the path names does not exist.") } : {}),
    ...(op.tag === "commands" || op.method === "PUT" || op.path.endsWith("/runs") ? { 409: problem("The request does not fit the current state, which the problem names.") } : {}),
    ...(op.body
      ? {
          413: problem(`The body is larger than ${MAX_BODY_BYTES} bytes.`),
          415: problem("The body is not JSON."),
          422: problem("The body is invalid; `errors` names the fields."),
        }
      : {}),
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [id, op] of Object.entries(operations) as [string, Operation][]) {
    paths[op.path] ??= {};
    paths[op.path][op.method.toLowerCase()] = {
      operationId: id,
      summary: op.summary,
      tags: [op.tag],
      security: op.permission === "public" ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
      "x-baton-permission": op.permission,
      parameters: parameters(op),
      ...(op.body ? { requestBody: { required: !op.optionalBody, content: { "application/json": { schema: toSchema(op.body) } } } } : {}),
      responses: responses(op),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Baton API",
      version: "1",
      description:
        "Design, run and operate workflows. Errors are application/problem+json (RFC 9457). Lists page with `cursor`. Browsers use the session cookie (writes need Baton's Origin); machines use API tokens.",
    },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token (bt_…) created by an admin under Settings → API tokens." },
        sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            requestId: { type: "string" },
            errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
          },
        },
        ...shared,
      },
    },
    paths,
  };
}
