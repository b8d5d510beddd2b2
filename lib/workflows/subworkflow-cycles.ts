// Workflows that call each other through sub-workflow steps, checked when one is published: a
// path of calls from the published draft back to its own workflow (through the versions those
// calls run: a pinned one, or the active one) would start runs without end. What publishing
// cannot see (a later publish of another workflow that closes a loop) is cut off at run time by
// the nesting limit (MAX_SUBWORKFLOW_DEPTH).
import type { Prisma } from "../db.ts";
import { workflowRefFields, stepDefinition } from "../steps/index.ts";
import type { Definition } from "../workflow/definition.ts";
import type { DefinitionProblem } from "../workflow/validate.ts";

interface Call {
  nodeId: string;
  index: number;
  workflowId: string;
  version?: number;
}

/** The sub-workflow calls a definition makes: which workflow (and version) each node runs. */
export function workflowCalls(definition: Pick<Definition, "nodes">): Call[] {
  return definition.nodes.flatMap((node, index) => {
    const step = stepDefinition(node.type);
    return (step ? workflowRefFields(step) : []).flatMap((key) => {
      const workflowId = node.config[key];
      const version = node.config.version;
      return typeof workflowId === "string" && workflowId ? [{ nodeId: node.id, index, workflowId, ...(typeof version === "number" ? { version } : {}) }] : [];
    });
  });
}

/** A problem on each node of the draft whose call leads back to `workflowId`, with the path. */
export async function callCycleProblems(tx: Prisma.TransactionClient, workflowId: string, draft: Definition): Promise<DefinitionProblem[]> {
  const names = new Map<string, string>();
  const callsOf = new Map<string, Call[]>();
  const load = async (call: Call): Promise<Call[]> => {
    const key = `${call.workflowId}@${call.version ?? "active"}`;
    if (!callsOf.has(key)) {
      const workflow = await tx.workflow.findFirst({ where: { id: call.workflowId, deletedAt: null }, select: { name: true, activeVersion: true } });
      names.set(call.workflowId, workflow?.name ?? call.workflowId);
      const number = call.version ?? workflow?.activeVersion;
      const version = workflow && number ? await tx.workflowVersion.findFirst({ where: { workflowId: call.workflowId, number }, select: { definition: true } }) : null;
      callsOf.set(key, version ? workflowCalls(version.definition as unknown as Definition) : []);
    }
    return callsOf.get(key)!;
  };
  const problems: DefinitionProblem[] = [];
  for (const first of workflowCalls(draft)) {
    // Depth-first along calls, remembering the path; each (workflow, version) explored once.
    const seen = new Set<string>();
    const path = async (call: Call, trail: string[]): Promise<string[] | null> => {
      if (call.workflowId === workflowId) return trail;
      const key = `${call.workflowId}@${call.version ?? "active"}`;
      if (seen.has(key)) return null;
      seen.add(key);
      for (const next of await load(call)) {
        const found = await path(next, [...trail, names.get(next.workflowId) ?? next.workflowId]);
        if (found) return found;
      }
      return null;
    };
    await load(first);
    const loop = await path(first, [names.get(first.workflowId) ?? first.workflowId]);
    if (loop) {
      const shown = loop.length === 1 && first.workflowId === workflowId ? "this workflow itself" : `“${loop[0]}”`;
      problems.push({
        nodeId: first.nodeId,
        path: `nodes.${first.index}.config.workflowId`,
        message: `This calls ${shown}, which leads back here (${["this workflow", ...loop.slice(0, -1).map((n) => `“${n}”`), "this workflow"].join(" → ")}): every run would start another without end.`,
      });
    }
  }
  return problems;
}
