// What changed between two versions of a decision table, row by row (rows keep their ids across
// edits): added, removed, changed (with the cells that differ), moved; and the columns and hit
// policy. Pure and browser-safe: the history panel shows it.
import type { DecisionTable } from "./decision-table.ts";

export interface RowChange {
  id: string;
  change: "added" | "removed" | "changed" | "moved";
  /** The row's number (1-based) in the newer table, or in the older one when removed. */
  row: number;
  /** changed: the cells that differ, by column name. */
  cells?: { column: string; before: unknown; after: unknown }[];
}

export interface TableDiff {
  rows: RowChange[];
  /** Columns added or removed, the hit policy changed: one sentence each. */
  other: string[];
}

export function diffTables(before: DecisionTable, after: DecisionTable): TableDiff {
  const other: string[] = [];
  if (before.hitPolicy !== after.hitPolicy) other.push(`hit policy ${before.hitPolicy} → ${after.hitPolicy}`);
  if (before.aggregation !== after.aggregation) other.push(`aggregation ${before.aggregation ?? "none"} → ${after.aggregation ?? "none"}`);
  const columns = (t: DecisionTable) => [...t.inputs.map((i) => `${i.name} (${i.type})`), ...t.outputs.map((o) => `→ ${o.name} (${o.type})`)];
  for (const c of columns(after)) if (!columns(before).includes(c)) other.push(`column ${c} added`);
  for (const c of columns(before)) if (!columns(after).includes(c)) other.push(`column ${c} removed`);

  const cellsOf = (t: DecisionTable, row: DecisionTable["rows"][number]) =>
    new Map<string, unknown>([...t.inputs.map((i, k) => [i.name, row.when[k] ?? ""] as const), ...t.outputs.map((o, k) => [`→ ${o.name}`, row.then[k] ?? null] as const)]);
  const beforeIndex = new Map(before.rows.map((r, i) => [r.id, i]));
  const afterIds = new Set(after.rows.map((r) => r.id));
  const common = new Set(after.rows.map((r) => r.id).filter((id) => beforeIndex.has(id)));
  const rows: RowChange[] = [];
  after.rows.forEach((row, i) => {
    const j = beforeIndex.get(row.id);
    if (j === undefined) return void rows.push({ id: row.id, change: "added", row: i + 1 });
    const [a, b] = [cellsOf(before, before.rows[j]), cellsOf(after, row)];
    const cells = [...new Set([...a.keys(), ...b.keys()])]
      .filter((column) => JSON.stringify(a.get(column)) !== JSON.stringify(b.get(column)))
      .map((column) => ({ column, before: a.get(column), after: b.get(column) }));
    if (cells.length) rows.push({ id: row.id, change: "changed", row: i + 1, cells });
    else if (relativeOrder(before, row.id, common) !== relativeOrder(after, row.id, common)) rows.push({ id: row.id, change: "moved", row: i + 1 });
  });
  before.rows.forEach((row, j) => {
    if (!afterIds.has(row.id)) rows.push({ id: row.id, change: "removed", row: j + 1 });
  });
  return { rows, other };
}

/** A row's place among the rows both tables have (so that an insertion above is not a move). */
function relativeOrder(t: DecisionTable, id: string, common: Set<string>): number {
  return t.rows.filter((r) => common.has(r.id)).findIndex((r) => r.id === id);
}
