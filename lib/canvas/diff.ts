// What changed between two versions of a workflow, node by node and edge by edge.
import type { Definition, WorkflowNode } from "../workflow/definition.ts";
import { canonicalJson } from "../workflow/canonical.ts";

export type NodeChange = "added" | "removed" | "changed" | "moved" | "same";

export interface DefinitionDiff {
  nodes: Record<string, NodeChange>;
  edges: Record<string, "added" | "removed" | "same">;
  /** Per changed node, the values that differ, deepest path first reached (config.headers.Accept, retry.maxAttempts, ...). */
  fields: Record<string, FieldChange[]>;
}

/** One changed value; `undefined` on a side where the path does not exist. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

const meaning = (n: WorkflowNode) => ({ type: n.type, name: n.name ?? null, config: n.config, retry: n.retry ?? null, timeoutMs: n.timeoutMs ?? null });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The paths under which `a` and `b` differ: objects are walked key by key, anything else compared whole. */
function changedPaths(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) changedPaths(a[k], b[k], `${path}.${k}`, out);
  } else out.push({ path, before: a, after: b });
}

function changedFields(a: WorkflowNode, b: WorkflowNode): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of ["type", "name", "retry", "timeoutMs", "config"] as const) changedPaths(a[key], b[key], key, out);
  return out;
}

/** `before` → `after`. An edge is the same when it joins the same handles. */
export function diffDefinitions(before: Definition, after: Definition): DefinitionDiff {
  const a = new Map(before.nodes.map((n) => [n.id, n]));
  const b = new Map(after.nodes.map((n) => [n.id, n]));
  const diff: DefinitionDiff = { nodes: {}, edges: {}, fields: {} };
  for (const [id, node] of b) {
    const old = a.get(id);
    if (!old) diff.nodes[id] = "added";
    else if (canonicalJson(meaning(old)) !== canonicalJson(meaning(node))) {
      diff.nodes[id] = "changed";
      diff.fields[id] = changedFields(old, node);
    } else diff.nodes[id] = old.position.x !== node.position.x || old.position.y !== node.position.y ? "moved" : "same";
  }
  for (const id of a.keys()) if (!b.has(id)) diff.nodes[id] = "removed";
  const key = (e: Definition["edges"][number]) => `${e.source}|${e.sourceHandle ?? ""}|${e.target}`;
  const ea = new Set(before.edges.map(key));
  const eb = new Set(after.edges.map(key));
  for (const e of after.edges) diff.edges[key(e)] = ea.has(key(e)) ? "same" : "added";
  for (const e of before.edges) if (!eb.has(key(e))) diff.edges[key(e)] = "removed";
  return diff;
}
