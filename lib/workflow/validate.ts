// Publish-time validation of a definition: structure, step types and their configs, templates,
// edges and ports, exactly one start, no cycles, everything reachable. Every problem names the
// node or edge and the field, so the editor can show it in place.
import { z } from "zod";
import { stepDefinition, stepTypes } from "../steps/index.ts";
import { checkTemplates } from "./templates.ts";
import { definitionSchema, type Definition } from "./definition.ts";
import { buildGraph, findCycle, reachable } from "./graph.ts";

export interface DefinitionProblem {
  nodeId?: string;
  edgeId?: string;
  /** Dotted path into the definition, e.g. `nodes.2.config.url`. */
  path: string;
  message: string;
}

export interface ValidationResult {
  /** The parsed definition (defaults applied) when its structure is sound, even with problems. */
  definition?: Definition;
  problems: DefinitionProblem[];
}

function issuesToProblems(error: z.ZodError, prefix: (string | number)[], ids: { nodeId?: string; edgeId?: string }) {
  return error.issues.flatMap((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((key) => ({
      ...ids,
      path: [...prefix, ...issue.path, ...(key === undefined ? [] : [key])].join("."),
      message: key === undefined ? issue.message : `unknown field "${key}"`,
    }));
  });
}

/** Structure only: what a draft must satisfy to be saved. */
export function parseStructure(input: unknown): ValidationResult {
  const result = definitionSchema.safeParse(input);
  if (result.success) return { definition: result.data, problems: [] };
  const raw = input as { nodes?: { id?: unknown }[]; edges?: { id?: unknown }[] };
  const problems = result.error.issues.flatMap((issue) => {
    const [collection, index] = issue.path;
    const item = typeof index === "number" ? (collection === "nodes" ? raw?.nodes?.[index] : collection === "edges" ? raw?.edges?.[index] : undefined) : undefined;
    const id = typeof item?.id === "string" ? item.id : undefined;
    return issuesToProblems(new z.ZodError([issue]), [], collection === "nodes" ? { nodeId: id } : collection === "edges" ? { edgeId: id } : {});
  });
  return { problems };
}

export function validateDefinition(input: unknown): ValidationResult {
  const structure = parseStructure(input);
  if (!structure.definition) return structure;
  const definition = structure.definition;
  const problems: DefinitionProblem[] = [];

  const seenNodes = new Set<string>();
  definition.nodes.forEach((node, i) => {
    const at = (field: string) => `nodes.${i}.${field}`;
    if (seenNodes.has(node.id)) problems.push({ nodeId: node.id, path: at("id"), message: `duplicates the id of another node` });
    seenNodes.add(node.id);
    const step = stepDefinition(node.type);
    if (!step) {
      problems.push({ nodeId: node.id, path: at("type"), message: `unknown step type "${node.type}"; known types: ${stepTypes.join(", ")}` });
      return;
    }
    const config = step.config.safeParse(node.config);
    if (!config.success) {
      problems.push(...issuesToProblems(config.error, ["nodes", i, "config"], { nodeId: node.id }));
      return;
    }
    for (const p of step.validate?.(config.data) ?? []) problems.push({ nodeId: node.id, path: at(`config.${p.path}`), message: p.message });
    if (node.type !== "condition") {
      for (const p of checkTemplates(node.config, ["nodes", i, "config"])) problems.push({ nodeId: node.id, ...p });
    }
  });

  const graph = buildGraph(definition);
  const seenEdges = new Set<string>();
  const seenLinks = new Set<string>();
  definition.edges.forEach((edge, i) => {
    const at = (field: string) => `edges.${i}.${field}`;
    const e = { edgeId: edge.id };
    if (seenEdges.has(edge.id)) problems.push({ ...e, path: at("id"), message: "duplicates the id of another edge" });
    seenEdges.add(edge.id);
    const source = graph.nodes.get(edge.source);
    const target = graph.nodes.get(edge.target);
    if (!source) problems.push({ ...e, path: at("source"), message: `points to no node ("${edge.source}")` });
    if (!target) problems.push({ ...e, path: at("target"), message: `points to no node ("${edge.target}")` });
    if (!source || !target) return;
    if (edge.source === edge.target) problems.push({ ...e, path: at("target"), message: "connects a node to itself" });
    const sourceStep = stepDefinition(source.type);
    const targetStep = stepDefinition(target.type);
    if (sourceStep) {
      const outputs = sourceStep.outputs;
      if (outputs.length === 0) {
        problems.push({ ...e, path: at("source"), message: `a ${source.type} node ends its path and has no outgoing edges` });
      } else if (outputs.length > 1 && !outputs.includes(edge.sourceHandle ?? "")) {
        problems.push({ ...e, path: at("sourceHandle"), message: `must be one of ${outputs.join(", ")} for a ${source.type} node` });
      } else if (outputs.length === 1 && edge.sourceHandle !== undefined && edge.sourceHandle !== outputs[0]) {
        problems.push({ ...e, path: at("sourceHandle"), message: `a ${source.type} node has one output; leave sourceHandle out` });
      }
    }
    if (targetStep && !targetStep.acceptsInput) {
      problems.push({ ...e, path: at("target"), message: `a ${target.type} node takes no incoming edges` });
    }
    const link = `${edge.source}|${edge.sourceHandle ?? ""}|${edge.target}`;
    if (seenLinks.has(link)) problems.push({ ...e, path: at("target"), message: "duplicates another edge between the same handles" });
    seenLinks.add(link);
  });

  const starts = definition.nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.type === "start");
  if (starts.length === 0) problems.push({ path: "nodes", message: "needs exactly one start node; there is none" });
  for (const { n, i } of starts.slice(1)) {
    problems.push({ nodeId: n.id, path: `nodes.${i}.type`, message: "is a second start node; a workflow has exactly one" });
  }

  const cycle = findCycle(graph);
  if (cycle) {
    const index = definition.edges.indexOf(cycle.edge);
    problems.push({
      edgeId: cycle.edge.id,
      path: `edges.${index}`,
      message: `closes a cycle (${cycle.path.join(" → ")}); repeat work with a loop step, not a back edge`,
    });
  }

  if (starts.length === 1) {
    const live = reachable(graph, starts[0].n.id);
    definition.nodes.forEach((n, i) => {
      if (!live.has(n.id)) problems.push({ nodeId: n.id, path: `nodes.${i}`, message: "cannot be reached from the start node" });
    });
  }

  return { definition, problems };
}
