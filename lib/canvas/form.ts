// Form fields for a step's config, derived from its zod schema (through JSON Schema, which keeps
// titles, descriptions, defaults and our `templatable` marks). Pure: unit-tested, used by the
// editor's side panel and by the run dialog for a start node's input schema.
import { z } from "zod";

export type FieldKind = "text" | "number" | "select" | "checkbox" | "json" | "code" | "multiselect" | "list" | "credential" | "eventType" | "workflow" | "ruleSet" | "flag";

export interface FieldSpec {
  key: string;
  label: string;
  description?: string;
  kind: FieldKind;
  required: boolean;
  /** For selects and multiselects. */
  options?: string[];
  /** Accepts a {{ template }} in place of its value. */
  templatable: boolean;
  defaultValue?: unknown;
  /** For credentials: the kind to offer (a Postgres connection, an SMTP server). */
  credentialKind?: string;
  /** For code: highlighted as JavaScript (and TypeScript) rather than as an expression. */
  language?: "javascript";
  /** For numbers. */
  integer?: boolean;
  min?: number;
  max?: number;
  /** Shown only while another field has this value (a condition's flag fields in flag mode). */
  shownWhen?: Record<string, unknown>;
}

type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  templatable?: boolean;
  widget?: string;
  language?: string;
  credential?: string;
  eventType?: boolean;
  workflowRef?: boolean;
  ruleSetRef?: boolean;
  flagRef?: boolean;
  shownWhen?: Record<string, unknown>;
  format?: string;
  items?: JsonSchema;
};

const humanize = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());

function fieldFor(key: string, schema: JsonSchema, required: boolean): FieldSpec {
  const base: FieldSpec = {
    key,
    label: schema.title ?? humanize(key),
    description: schema.description,
    kind: "text",
    required,
    templatable: schema.templatable === true,
    defaultValue: schema.default,
    ...(schema.shownWhen ? { shownWhen: schema.shownWhen } : {}),
  };
  const value = schema.templatable ? (schema.anyOf?.[0] ?? {}) : schema;
  if (schema.$ref || value.$ref) return { ...base, kind: "json" };
  if (schema.credential) return { ...base, kind: "credential", credentialKind: schema.credential };
  if (schema.eventType) return { ...base, kind: "eventType" };
  if (schema.workflowRef) return { ...base, kind: "workflow" };
  if (schema.ruleSetRef) return { ...base, kind: "ruleSet" };
  if (schema.flagRef) return { ...base, kind: "flag" };
  if (schema.widget === "code") return { ...base, kind: "code", ...(schema.language === "javascript" ? { language: "javascript" as const } : {}) };
  if (value.enum) return { ...base, kind: "select", options: value.enum.map(String) };
  // Arrays of choices are checkboxes; arrays of strings one item per line.
  if (value.type === "array" && value.items?.enum) return { ...base, kind: "multiselect", options: value.items.enum.map(String) };
  if (value.type === "array" && value.items?.type === "string") return { ...base, kind: "list" };
  switch (value.type) {
    case "integer":
    case "number":
      return { ...base, kind: "number", integer: value.type === "integer", min: value.minimum, max: value.maximum };
    case "boolean":
      return { ...base, kind: "checkbox" };
    case "string":
      return base;
    default:
      return { ...base, kind: "json" };
  }
}

/** JSON Schema → fields, in declaration order. */
export function fieldsFromJsonSchema(schema: JsonSchema): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, prop]) => fieldFor(key, prop, required.has(key)));
}

/** Zod schema of a step config → fields. */
export function fieldsFor(schema: z.ZodType): FieldSpec[] {
  return fieldsFromJsonSchema(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema);
}

/** Whether a field is shown for a config (see `shownWhen`; a missing value counts as its default). */
export const fieldShown = (field: FieldSpec, value: Record<string, unknown>, fields: FieldSpec[]) =>
  !field.shownWhen || Object.entries(field.shownWhen).every(([key, wanted]) => (value[key] ?? fields.find((f) => f.key === key)?.defaultValue) === wanted);

/**
 * What a text box holding `text` means for a field: a number for number fields (unless it holds
 * a template), undefined when empty (the key is then left out), else the text.
 */
export function parseFieldText(field: FieldSpec, text: string): unknown {
  if (text.trim() === "") return undefined;
  if (field.templatable && text.includes("{{")) return text;
  if (field.kind === "number") {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

/** The text a field shows for a value. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
}
