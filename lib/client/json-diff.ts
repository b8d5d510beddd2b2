// What changed between two JSON values, as a list of paths (a.b[2].c) with their values before
// and after: readable for the small documents people approve (an expense, a refund, a post).

export interface JsonChange {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === "object" && v !== null;
const child = (path: string, key: string, array: boolean) => (array ? `${path}[${key}]` : path ? `${path}.${key}` : key);

export function jsonDiff(before: unknown, after: unknown, path = ""): JsonChange[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const array = Array.isArray(before);
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => {
      const [b, a] = [(before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k]];
      const at = child(path, k, array);
      if (!(k in before)) return [{ path: at, kind: "added" as const, after: a }];
      if (!(k in after)) return [{ path: at, kind: "removed" as const, before: b }];
      return jsonDiff(b, a, at);
    });
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || "(the whole value)", kind: "changed", before, after }];
}
