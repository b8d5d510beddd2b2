// The workflow file format for export and import: the definition with its name, so a file
// carries a whole workflow. A bare definition ({ nodes, edges }) is accepted on import too.
import { z } from "zod";
import { parseStructure } from "../workflow/validate.ts";
import type { Definition } from "../workflow/definition.ts";

export const FILE_FORMAT = "baton.workflow";

export interface WorkflowFile {
  format: typeof FILE_FORMAT;
  formatVersion: 1;
  name: string;
  description: string;
  exportedAt: string;
  definition: Definition;
}

export function exportFile(workflow: { name: string; description: string }, definition: Definition): WorkflowFile {
  return { format: FILE_FORMAT, formatVersion: 1, name: workflow.name, description: workflow.description, exportedAt: new Date().toISOString(), definition };
}

const wrapper = z.object({
  format: z.literal(FILE_FORMAT),
  formatVersion: z.literal(1, "this file is from a newer Baton; only format version 1 can be imported"),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(""),
  definition: z.unknown(),
});

export type ImportResult =
  | { ok: true; name: string; description: string; definition: Definition }
  | { ok: false; problems: string[] };

/** Reads an exported file (or a bare definition). Nothing is created here: only checked. */
export function readWorkflowFile(text: string, fileName: string): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`${fileName} is not JSON: ${(error as Error).message}`] };
  }
  const looksWrapped = typeof data === "object" && data !== null && "format" in data;
  let name = fileName.replace(/\.json$/i, "").replace(/[-_]+/g, " ").trim() || "Imported workflow";
  let description = "";
  let definition: unknown = data;
  if (looksWrapped) {
    const parsed = wrapper.safeParse(data);
    if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`) };
    ({ name, description, definition } = parsed.data);
  } else if (!(typeof data === "object" && data !== null && "nodes" in data)) {
    return { ok: false, problems: [`${fileName} is not a Baton workflow: expected an exported workflow file or a definition with "nodes" and "edges".`] };
  }
  const structure = parseStructure(definition);
  if (!structure.definition) return { ok: false, problems: structure.problems.map((p) => `definition.${p.path}: ${p.message}`) };
  return { ok: true, name, description, definition: structure.definition };
}

/** "A name (2)": the first copy name no workflow has (importing next to one of the same name). */
export function copyName(name: string, taken: readonly string[]): string {
  const base = name.replace(/ \(\d+\)$/, "");
  for (let n = 2; ; n++) if (!taken.includes(`${base} (${n})`)) return `${base} (${n})`;
}
