// Which of a step's fields the editor previews: those holding a {{ template }}, and those its
// type declares expressions (a condition's) holding bare JSONata. Browser-safe and pure.
import { findTemplates } from "../workflow/templates.ts";
import { expressionFields, stepDefinition, templatedConfig } from "../steps/index.ts";

export interface PreviewField {
  value: unknown;
  /** A bare JSONata expression (a field declared one), evaluated as one rather than as text. */
  expression?: boolean;
}

export function previewFields(stepType: string, config: Record<string, unknown>): Record<string, PreviewField> {
  const fields: Record<string, PreviewField> = {};
  const step = stepDefinition(stepType);
  const expressions = new Set(step ? expressionFields(step) : []);
  for (const [key, value] of Object.entries(templatedConfig(step, config))) {
    if (expressions.has(key) && typeof value === "string" && value.trim() && !value.includes("{{")) fields[key] = { value, expression: true };
    else if (findTemplates(value).length > 0) fields[key] = { value };
  }
  return fields;
}

/** A preview as one line: the value as JSON, cut to `max` characters. */
export function previewText(value: unknown, max = 300): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
