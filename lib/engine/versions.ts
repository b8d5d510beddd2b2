// Published versions, compiled once per process: they never change, so graph, order and the
// input validator are cached by version id.
import type { ValidateFunction } from "ajv";
import { compileInputSchema } from "../workflow/input-schema.ts";
import { stepDefinition } from "../steps/index.ts";
import type { Definition, WorkflowNode } from "../workflow/definition.ts";
import { buildGraph, stepsTotal, topologicalOrder, type Graph } from "../workflow/graph.ts";
import type { CompensationOrder } from "./event-catalog.ts";
import { compensationOrderOf } from "./compensation-plan.ts";
import type { Sql } from "./tx.ts";

export interface CompiledVersion {
  id: string;
  workflowId: string;
  number: number;
  definition: Definition;
  graph: Graph;
  order: string[];
  /** The node where runs enter (its step type says `entry`). */
  entry: WorkflowNode;
  node(id: string): WorkflowNode;
  outputsOf(id: string): number;
  /** The nodes after `id` that wait for it alone, when `id` does not branch; else undefined. */
  directSuccessors(id: string): string[] | undefined;
  /** Whether the node's step type has no effects outside Baton (see StepDefinition.pure). */
  isPure(id: string): boolean;
  /** Whether the node's output is (part of) the run's output (StepDefinition.exit). */
  isExit(id: string): boolean;
  /** The kinds of wait the node's step type may ask for (StepDefinition.waits). */
  waitsOf(id: string): readonly string[];
  validateInput?: ValidateFunction;
  runTimeoutMs?: number;
  /** The steps a run can take (graph.ts stepsTotal). */
  stepsTotal: number;
  /** At most this many runs of the workflow active at once; more are held (run-slots.ts). */
  maxActiveRuns?: number;
  /** Sagas: undo one after another (reverse completion order) or all at once. */
  compensationOrder: CompensationOrder;
}

export function compileVersion(row: { id: string; workflow_id: string; number: number; definition: Definition }): CompiledVersion {
  const graph = buildGraph(row.definition);
  const entry = row.definition.nodes.find((n) => stepDefinition(n.type)?.entry);
  if (!entry) throw new Error(`version ${row.id} has no entry node`);
  const config = entry.config as { inputSchema?: object; runTimeoutMs?: number; maxActiveRuns?: number };
  const direct = new Map<string, string[] | undefined>();
  for (const id of graph.nodes.keys()) {
    const branches = (stepDefinition(graph.nodes.get(id)!.type)?.outputs.length ?? 1) > 1;
    const targets = graph.outgoing.get(id)!.map((e) => e.target);
    direct.set(id, branches || targets.some((t) => graph.incoming.get(t)!.length !== 1) ? undefined : targets);
  }
  return {
    id: row.id,
    workflowId: row.workflow_id,
    number: row.number,
    definition: row.definition,
    graph,
    order: topologicalOrder(graph),
    entry,
    node: (id) => {
      const n = graph.nodes.get(id);
      if (!n) throw new Error(`node ${id} is not in version ${row.number}`);
      return n;
    },
    outputsOf: (id) => stepDefinition(graph.nodes.get(id)?.type ?? "")?.outputs.length ?? 1,
    directSuccessors: (id) => direct.get(id),
    isPure: (id) => stepDefinition(graph.nodes.get(id)?.type ?? "")?.pure === true,
    isExit: (id) => stepDefinition(graph.nodes.get(id)?.type ?? "")?.exit === true,
    waitsOf: (id) => stepDefinition(graph.nodes.get(id)?.type ?? "")?.waits ?? [],
    validateInput: config.inputSchema ? compileInputSchema(config.inputSchema) : undefined,
    runTimeoutMs: config.runTimeoutMs,
    maxActiveRuns: config.maxActiveRuns,
    stepsTotal: stepsTotal(graph),
    compensationOrder: compensationOrderOf(graph),
  };
}

const cache = new Map<string, Promise<CompiledVersion>>();

export function loadVersion(sql: Sql, versionId: string): Promise<CompiledVersion> {
  let compiled = cache.get(versionId);
  if (!compiled) {
    compiled = sql
      .query(`select id, workflow_id, number, definition from workflow_versions where id = $1`, [versionId])
      .then(({ rows }) => {
        if (!rows[0]) throw new Error(`workflow version ${versionId} does not exist`);
        return compileVersion(rows[0]);
      });
    compiled.catch(() => cache.delete(versionId));
    if (cache.size >= 500) cache.delete(cache.keys().next().value!);
    cache.set(versionId, compiled);
  }
  return compiled;
}
