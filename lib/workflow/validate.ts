// Publish-time validation of a definition: structure, step types and their configs, templates
// (their syntax, and the steps they read from), edges and ports, exactly one start, no cycles,
// everything reachable. Every problem names the node or edge and the field, so the editor can
// show it in place, and says what is wrong in a sentence (lib/messages.ts). Warnings (a field a
// step's output does not have) are shown but do not stop publishing.
import { z } from "zod";
import { definitionMessages as say, stepName } from "../messages.ts";
import { credentialFields, eventTypeFields, expressionFields, flagRefFields, isEntry, ruleSetRefFields, stepDefinition, stepTypes, templatedConfig, workflowRefFields } from "../steps/index.ts";
import type { StepDefinition } from "../steps/types.ts";
import { expressionProblem, findTemplates, flagsAsked, referencedSecrets, scanTemplates } from "./templates.ts";
import { references } from "./references.ts";
import { definitionSchema, type Definition, type WorkflowNode } from "./definition.ts";
import { buildGraph, findCycle, isBodyEdge, isCompensationEdge, reachable, type Graph } from "./graph.ts";

export interface DefinitionProblem {
  nodeId?: string;
  edgeId?: string;
  /** Dotted path into the definition, e.g. `nodes.2.config.url`. */
  path: string;
  /** A sentence a person can act on. */
  message: string;
  /** Warnings do not stop publishing; absent means an error. */
  severity?: "warning";
}

export interface ValidationResult {
  /** The parsed definition (defaults applied) when its structure is sound, even with problems. */
  definition?: Definition;
  problems: DefinitionProblem[];
}

export const isError = (p: DefinitionProblem) => p.severity !== "warning";

function issuesToProblems(error: z.ZodError, prefix: (string | number)[], ids: { nodeId?: string; edgeId?: string }) {
  return error.issues.flatMap((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((key) => ({
      ...ids,
      path: [...prefix, ...issue.path, ...(key === undefined ? [] : [key])].join("."),
      message: key === undefined ? issue.message : `Remove “${key}”: it is not a setting here.`,
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

/** Steps upstream of each step: what its templates may read. A compensation reads the step it
 * undoes and whatever that step read; a for-each body what its for-each reads (and its item). */
function upstreamOf(graph: Graph): (id: string) => Set<string> {
  const cache = new Map<string, Set<string>>();
  return (id) => {
    let found = cache.get(id);
    if (!found) {
      found = new Set();
      const undone = graph.compensates.get(id);
      // A for-each's body reads what its for-each reads (the for-each itself ends after it).
      const loop = graph.bodyOf.get(id);
      const stack = [...(graph.incoming.get(id) ?? []).map((e) => e.source), ...(undone ? [undone] : []), ...(loop ? (graph.incoming.get(loop) ?? []).map((e) => e.source) : [])];
      while (stack.length) {
        const next = stack.pop()!;
        if (found.has(next)) continue;
        found.add(next);
        stack.push(...(graph.incoming.get(next) ?? []).map((e) => e.source));
      }
      cache.set(id, found);
    }
    return found;
  };
}

const outputFieldsOf = (node: WorkflowNode | undefined): string[] | undefined => {
  const step = node && stepDefinition(node.type);
  const config = step?.config.safeParse(node!.config);
  return step?.outputFields && config?.success ? step.outputFields(config.data) : undefined;
};

/** Template problems of one node: syntax, unclosed braces, and what the templates read. */
function templateProblems(node: WorkflowNode, i: number, graph: Graph, upstream: (id: string) => Set<string>, start: WorkflowNode | undefined): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const at = (path: string) => `nodes.${i}.config${path ? `.${path}` : ""}`;
  const add = (path: string, message: string, severity?: "warning") => problems.push({ nodeId: node.id, path: at(path), message, ...(severity ? { severity } : {}) });
  // A field its step type declares an expression (a condition's) is JSONata itself, its syntax
  // checked with the config (nodeConfigProblems); with braces it is a template like any other.
  const expressions = [
    ...bareExpressions(node).map(({ key, expression }) => ({ path: key, expression, checked: true })),
    ...findTemplates(templatedConfig(stepDefinition(node.type), node.config)).map((t) => ({ ...t, checked: false })),
  ];
  for (const { path, expression, checked } of expressions) {
    if (!checked) {
      if (!expression.trim()) {
        add(path, say.emptyTemplate());
        continue;
      }
      const problem = expressionProblem(expression);
      if (problem) {
        add(path, say.badExpression(expression, problem));
        continue;
      }
    }
    for (const ref of references(expression)) {
      if (ref.root === "input") {
        const fields = outputFieldsOf(start);
        if (fields && ref.names[0] && !fields.includes(ref.names[0])) add(path, say.unknownInput(ref.text, fields), "warning");
        continue;
      }
      const [id, output, field] = ref.names;
      if (!id) continue;
      const target = graph.nodes.get(id);
      if (!target) add(path, say.unknownStep(id));
      else if (!upstream(node.id).has(id)) add(path, say.notBefore(id, stepName(target)));
      else if (output !== undefined && output !== "output") add(path, say.notOutput(id));
      else if (field !== undefined) {
        const fields = outputFieldsOf(target);
        if (fields && !fields.includes(field)) add(path, say.unknownField(ref.text, stepName(target), fields), "warning");
      }
    }
  }
  // A `{{` with no `}}` after it: the scan stops there, so it is found on the text itself.
  const unclosed = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === "string") {
      const spans = scanTemplates(value);
      if (value.indexOf("{{", spans.at(-1)?.end ?? 0) >= 0) add(path.join("."), say.unclosedTemplate());
    } else if (Array.isArray(value)) value.forEach((v, k) => unclosed(v, [...path, k]));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) unclosed(v, [...path, k]);
  };
  unclosed(templatedConfig(stepDefinition(node.type), node.config), []);
  return problems;
}

/** The node's fields its step type declares expressions, holding one without braces (JSONata
 * as it is; a value with {{ }} is a template instead). */
function bareExpressions(node: WorkflowNode): { key: string; expression: string }[] {
  const step = stepDefinition(node.type);
  return (step ? expressionFields(step) : []).flatMap((key) => {
    const value = node.config[key];
    return typeof value === "string" && !value.includes("{{") ? [{ key, expression: value }] : [];
  });
}

/** A node's type and config on their own (a known type; a config its schema and checks accept,
 * its expression fields readable), with paths under `prefix`. Templates and the graph are
 * checked by validateDefinition. */
export function nodeConfigProblems(node: WorkflowNode, prefix: (string | number)[]): DefinitionProblem[] {
  const at = (field: string) => [...prefix, field].join(".");
  const step = stepDefinition(node.type);
  if (!step) return [{ nodeId: node.id, path: at("type"), message: say.unknownStepType(node.type, stepTypes) }];
  const config = step.config.safeParse(node.config);
  if (!config.success) return issuesToProblems(config.error, [...prefix, "config"], { nodeId: node.id });
  const unreadable = bareExpressions(node).flatMap(({ key, expression }) => {
    const problem = expressionProblem(expression);
    return problem ? [{ path: key, message: `This expression cannot be read: ${problem}` }] : [];
  });
  return [...unreadable, ...(step.validate?.(config.data) ?? [])].map((p) => ({ nodeId: node.id, path: at(`config.${p.path}`), message: p.message }));
}

/**
 * `secrets`: the credentials that exist (the server's, or the editor's copy of their names); a
 * template naming another is a problem on its node. Left out, credentials are not checked.
 * `eventTypes` likewise: the event types in the registry, for steps that emit or wait for one;
 * `workflows`: the ids of published workflows, for steps that run one; `ruleSets`: the keys of
 * published rule sets, for Decide steps.
 */
export function validateDefinition(
  input: unknown,
  options: { secrets?: ReadonlySet<string>; eventTypes?: ReadonlySet<string>; workflows?: ReadonlySet<string>; ruleSets?: ReadonlySet<string>; flags?: ReadonlySet<string> } = {},
): ValidationResult {
  const structure = parseStructure(input);
  if (!structure.definition) return structure;
  const definition = structure.definition;
  const problems: DefinitionProblem[] = [];
  const graph = buildGraph(definition);
  const upstream = upstreamOf(graph);
  const starts = definition.nodes.map((n, i) => ({ n, i })).filter(({ n }) => isEntry(n.type));

  const seenNodes = new Set<string>();
  definition.nodes.forEach((node, i) => {
    const at = (field: string) => `nodes.${i}.${field}`;
    if (seenNodes.has(node.id)) problems.push({ nodeId: node.id, path: at("id"), message: say.duplicateNodeId(node.id) });
    seenNodes.add(node.id);
    const own = nodeConfigProblems(node, ["nodes", i]);
    problems.push(...own);
    if (own.length === 0) problems.push(...templateProblems(node, i, graph, upstream, starts[0]?.n));
    // Per item, a workflow or a drawn step runs: one of the two.
    if (own.length === 0 && stepDefinition(node.type)?.itemBody) {
      const named = typeof node.config.workflowId === "string" && node.config.workflowId !== "";
      if (named === graph.body.has(node.id)) problems.push({ nodeId: node.id, path: at("config.workflowId"), message: named ? say.twoBodies() : say.noBody() });
    }
    // Only secrets.NAME is opened for a step: `secrets` read any other way would be empty.
    for (const t of findTemplates(templatedConfig(stepDefinition(node.type), node.config))) {
      if (/\bsecrets\b(?!\s*\.\s*[A-Za-z_])/.test(t.expression)) {
        problems.push({ nodeId: node.id, path: at(`config.${t.path}`), message: "Name the credential: {{ secrets.NAME }}. Credentials are opened by name, so secrets cannot be read as a whole or by a computed key." });
      }
    }
    const secrets = options.secrets;
    if (secrets) {
      const step = stepDefinition(node.type);
      for (const key of step ? credentialFields(step) : []) {
        const name = node.config[key];
        if (typeof name === "string" && !secrets.has(name)) problems.push({ nodeId: node.id, path: at(`config.${key}`), message: `No credential is named ${name}: create it under Settings → Credentials, or choose another.` });
      }
      for (const t of findTemplates(templatedConfig(stepDefinition(node.type), node.config))) {
        for (const name of referencedSecrets(`{{${t.expression}}}`).filter((n) => !secrets.has(n))) {
          problems.push({ nodeId: node.id, path: at(`config.${t.path}`), message: `No credential is named ${name}: create it under Settings → Credentials, or correct {{ secrets.${name} }}.` });
        }
      }
    }
    const eventTypes = options.eventTypes;
    const step = stepDefinition(node.type);
    for (const key of eventTypes && step ? eventTypeFields(step) : []) {
      const name = node.config[key];
      if (typeof name === "string" && !eventTypes!.has(name)) problems.push({ nodeId: node.id, path: at(`config.${key}`), message: `No event type is named ${name}: add it under Events → Types, or choose another.` });
    }
    const ruleSets = options.ruleSets;
    for (const key of ruleSets && step ? ruleSetRefFields(step) : []) {
      const name = node.config[key];
      if (typeof name === "string" && name && !ruleSets!.has(name)) problems.push({ nodeId: node.id, path: at(`config.${key}`), message: `No published rule set has the key ${name}: publish it under Rules first, or choose another.` });
    }
    const flags = options.flags;
    if (flags && step) {
      for (const key of flagRefFields(step)) {
        const name = node.config[key];
        if (typeof name === "string" && name && !flags.has(name)) problems.push({ nodeId: node.id, path: at(`config.${key}`), message: `No flag has the key ${name}: create it under Flags first, or choose another.` });
      }
      const asked = [...bareExpressions(node).map(({ key, expression }) => ({ path: key, expression })), ...findTemplates(templatedConfig(step, node.config))];
      for (const t of asked) {
        for (const key of flagsAsked([t.expression]).filter((k) => !flags.has(k))) {
          problems.push({ nodeId: node.id, path: at(`config.${t.path}`), message: `No flag has the key ${key}: create it under Flags first, or correct $flag("${key}", ...).` });
        }
      }
    }
    const workflows = options.workflows;
    for (const key of workflows && step ? workflowRefFields(step) : []) {
      const id = node.config[key];
      if (typeof id === "string" && id && !workflows!.has(id)) problems.push({ nodeId: node.id, path: at(`config.${key}`), message: "No published workflow has this id: publish it first, or choose another." });
    }
  });

  const seenEdges = new Set<string>();
  const seenLinks = new Set<string>();
  const named = (id: string) => stepName(graph.nodes.get(id) ?? { id });
  definition.edges.forEach((edge, i) => {
    const at = (field: string) => `edges.${i}.${field}`;
    const e = { edgeId: edge.id };
    if (seenEdges.has(edge.id)) problems.push({ ...e, path: at("id"), message: say.duplicateEdgeId(edge.id) });
    seenEdges.add(edge.id);
    const source = graph.nodes.get(edge.source);
    const target = graph.nodes.get(edge.target);
    if (!source) problems.push({ ...e, path: at("source"), message: say.danglingEdge("from", edge.source) });
    if (!target) problems.push({ ...e, path: at("target"), message: say.danglingEdge("to", edge.target) });
    if (!source || !target) return;
    if (edge.source === edge.target) problems.push({ ...e, path: at("target"), message: say.selfEdge(named(edge.source)) });
    if (isCompensationEdge(edge)) {
      const link = `${edge.source}|compensation|${edge.target}`;
      if (seenLinks.has(link)) problems.push({ ...e, path: at("target"), message: say.duplicateEdge(named(edge.source), named(edge.target)) });
      else problems.push(...compensationEdgeProblems(edge, i, graph, named));
      seenLinks.add(link);
      return;
    }
    if (isBodyEdge(edge)) {
      problems.push(...bodyEdgeProblems(edge, i, graph, named));
      return;
    }
    const sourceStep = stepDefinition(source.type);
    const targetStep = stepDefinition(target.type);
    if (sourceStep) {
      const outputs = sourceStep.outputs;
      if (outputs.length === 0) {
        problems.push({ ...e, path: at("source"), message: say.noOutputs(named(edge.source), sourceStep.label) });
      } else if (outputs.length > 1 && !outputs.includes(edge.sourceHandle ?? "")) {
        problems.push({ ...e, path: at("sourceHandle"), message: say.wrongHandle(named(edge.source), outputs) });
      } else if (outputs.length === 1 && edge.sourceHandle !== undefined && edge.sourceHandle !== outputs[0]) {
        problems.push({ ...e, path: at("sourceHandle"), message: say.singleOutput(named(edge.source)) });
      }
    }
    if (targetStep && !targetStep.acceptsInput) problems.push({ ...e, path: at("target"), message: say.noInputs(named(edge.target)) });
    const link = `${edge.source}|${edge.sourceHandle ?? ""}|${edge.target}`;
    if (seenLinks.has(link)) problems.push({ ...e, path: at("target"), message: say.duplicateEdge(named(edge.source), named(edge.target)) });
    seenLinks.add(link);
  });

  if (starts.length === 0) problems.push({ path: "nodes", message: say.noStart() });
  for (const { n, i } of starts.slice(1)) problems.push({ nodeId: n.id, path: `nodes.${i}.type`, message: say.secondStart(stepName(n)) });

  const cycle = findCycle(graph);
  if (cycle) {
    const index = definition.edges.indexOf(cycle.edge);
    problems.push({ edgeId: cycle.edge.id, path: `edges.${index}`, message: say.cycle(cycle.path.map(named).join(" → ")) });
  }

  if (starts.length === 1) {
    const live = reachable(graph, starts[0].n.id);
    definition.nodes.forEach((n, i) => {
      // A compensation is reached through the step it undoes, a body through its for-each (checked with their edges).
      if (!live.has(n.id) && !graph.compensates.has(n.id) && !graph.bodyOf.has(n.id)) problems.push({ nodeId: n.id, path: `nodes.${i}`, message: say.unreachable(stepName(n)) });
    });
  }

  return { definition, problems };
}

/** Whether the node has edges of the normal flow, in or out. */
const inFlow = (graph: Graph, id: string) => (graph.incoming.get(id)?.length ?? 0) + (graph.outgoing.get(id)?.length ?? 0) > 0;

/** Why a step cannot run apart from the flow (on a compensates or an each-item edge), if it cannot:
 * where a run begins, ends it, branches, or (`itemBody` given) runs per item itself. */
function unfitApart(step: StepDefinition | undefined, why: { exit: string; branches: string; itemBody?: string }): string | undefined {
  if (!step) return undefined;
  if (step.entry || !step.acceptsInput) return "it is where a run begins";
  if (step.exit) return why.exit;
  if (step.outputs.length > 1) return why.branches;
  return step.itemBody ? why.itemBody : undefined;
}

/** A "compensates" edge: from a step that may be undone, to a step that only undoes (outside
 * the normal flow, one each way, not branching, not ending the run). */
function compensationEdgeProblems(edge: Definition["edges"][number], i: number, graph: Graph, named: (id: string) => string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (field: string, message: string) => problems.push({ edgeId: edge.id, path: `edges.${i}.${field}`, message });
  const sourceStep = stepDefinition(graph.nodes.get(edge.source)!.type);
  const targetStep = stepDefinition(graph.nodes.get(edge.target)!.type);
  if (edge.sourceHandle !== undefined) add("sourceHandle", say.compensationHandle());
  if (sourceStep?.entry) add("source", say.compensationFromEntry(named(edge.source)));
  if (graph.compensates.has(edge.source)) add("source", say.compensationOfCompensation(named(edge.source)));
  if (graph.compensator.get(edge.source) !== edge.target) add("source", say.secondCompensator(named(edge.source)));
  else if (graph.compensates.get(edge.target) !== edge.source) add("target", say.sharedCompensator(named(edge.target)));
  const why = unfitApart(targetStep, { exit: "it ends a run, and a compensation runs after the run has failed", branches: "it branches, and a compensation has nowhere to branch to" });
  if (why) add("target", say.compensationTarget(named(edge.target), why));
  if (inFlow(graph, edge.target)) add("target", say.compensatorInFlow(named(edge.target)));
  return problems;
}

/** An "each item" edge: from a step that runs a body per item, to a step that runs only so
 * (outside the normal flow, one each way, not branching, not ending the run, no body of its own). */
function bodyEdgeProblems(edge: Definition["edges"][number], i: number, graph: Graph, named: (id: string) => string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (field: string, message: string) => problems.push({ edgeId: edge.id, path: `edges.${i}.${field}`, message });
  const sourceStep = stepDefinition(graph.nodes.get(edge.source)!.type);
  const targetStep = stepDefinition(graph.nodes.get(edge.target)!.type);
  if (sourceStep && !sourceStep.itemBody) add("source", say.bodyFrom(named(edge.source)));
  if (edge.sourceHandle !== undefined) add("sourceHandle", say.bodyHandle());
  if (graph.body.get(edge.source) !== edge.target) add("source", say.secondBody(named(edge.source)));
  else if (graph.bodyOf.get(edge.target) !== edge.source) add("target", say.sharedBody(named(edge.target)));
  const why = unfitApart(targetStep, {
    exit: "it ends the run, and an item is not the run",
    branches: "it branches, and an item has nowhere to branch to",
    itemBody: "it runs per item itself; put the inner loop in a workflow and run that per item",
  });
  if (why) add("target", say.bodyTarget(named(edge.target), why));
  if (inFlow(graph, edge.target)) add("target", say.bodyInFlow(named(edge.target)));
  if (graph.compensator.has(edge.target) || graph.compensates.has(edge.target)) add("target", say.bodyWithCompensation(named(edge.target)));
  return problems;
}
