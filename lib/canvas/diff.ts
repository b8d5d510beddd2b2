// What changed between two versions of a workflow, node by node and edge by edge.
import type { Definition, WorkflowNode } from "../workflow/definition.ts";
import { canonicalJson } from "../workflow/canonical.ts";

export type NodeChange = "added" | "removed" | "changed" | "moved" | "same";

export interface DefinitionDiff {
  nodes: Record<string, NodeChange>;
  edges: Record<string, "added" | "removed" | "same">;
  /** Per changed node, the fields that differ (name, type, config.url, retry, ...). */
  fields: Record<string, string[]>;
}

const meaning = (n: WorkflowNode) => ({ type: n.type, name: n.name ?? null, config: n.config, retry: n.retry ?? null, timeoutMs: n.timeoutMs ?? null });

function changedFields(a: WorkflowNode, b: WorkflowNode): string[] {
  const fields: string[] = [];
  for (const key of ["type", "name", "retry", "timeoutMs"] as const) {
    if (canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null)) fields.push(key);
  }
  const keys = new Set([...Object.keys(a.config ?? {}), ...Object.keys(b.config ?? {})]);
  for (const k of keys) if (canonicalJson(a.config?.[k] ?? null) !== canonicalJson(b.config?.[k] ?? null)) fields.push(`config.${k}`);
  return fields;
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
