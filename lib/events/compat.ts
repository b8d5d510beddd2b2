// Whether a new version of an event type's schema can replace the old one without breaking
// anyone: every event valid before must stay valid, and consumers must still find the fields they
// read. Breaking: a property removed, a new required property, a type narrowed, an enum value
// removed, extra properties forbidden where they were allowed. Adding optional properties or
// loosening is compatible. A structural check of the common JSON Schema keywords, recursive
// through object properties and array items.
type Schema = Record<string, unknown>;

const types = (s: Schema): Set<string> | null => (s.type === undefined ? null : new Set([s.type].flat() as string[]));

export function breakingChanges(before: Schema, after: Schema, path = "data"): string[] {
  const changes: string[] = [];
  const [was, now] = [types(before), types(after)];
  if (now && (!was || [...was].some((t) => !now.has(t) && !(t === "integer" && now.has("number"))))) {
    changes.push(`${path}: type ${was ? [...was].join("|") : "any"} narrowed to ${[...now].join("|")}`);
  }
  if (Array.isArray(after.enum)) {
    const removed = Array.isArray(before.enum) ? before.enum.filter((v) => !(after.enum as unknown[]).some((w) => JSON.stringify(w) === JSON.stringify(v))) : ["(any value)"];
    if (removed.length) changes.push(`${path}: enum no longer allows ${removed.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  const beforeProps = (before.properties ?? {}) as Record<string, Schema>;
  const afterProps = (after.properties ?? {}) as Record<string, Schema>;
  for (const key of Object.keys(beforeProps)) {
    if (!(key in afterProps)) changes.push(`${path}.${key}: removed`);
    else changes.push(...breakingChanges(beforeProps[key], afterProps[key], `${path}.${key}`));
  }
  const required = new Set((before.required ?? []) as string[]);
  for (const key of (after.required ?? []) as string[]) if (!required.has(key)) changes.push(`${path}.${key}: now required`);
  if (after.additionalProperties === false && before.additionalProperties !== false) changes.push(`${path}: no longer allows other properties`);
  if (before.items && after.items && typeof before.items === "object" && typeof after.items === "object") {
    changes.push(...breakingChanges(before.items as Schema, after.items as Schema, `${path}[]`));
  }
  for (const limit of ["maxLength", "maximum", "maxItems"] as const) {
    if (typeof after[limit] === "number" && (typeof before[limit] !== "number" || (after[limit] as number) < (before[limit] as number))) changes.push(`${path}: ${limit} lowered to ${after[limit]}`);
  }
  for (const limit of ["minLength", "minimum", "minItems"] as const) {
    if (typeof after[limit] === "number" && (typeof before[limit] !== "number" || (after[limit] as number) > (before[limit] as number))) changes.push(`${path}: ${limit} raised to ${after[limit]}`);
  }
  return changes;
}
