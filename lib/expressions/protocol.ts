// Messages between the expression pool and its evaluator processes.
import type { RunContext } from "../workflow/templates.ts";
import type { ExpressionLimit } from "./errors.ts";

export type ExpressionTask =
  /** Every template in a value (a step's whole config) in one message. */
  | { kind: "resolve"; value: unknown; context: RunContext }
  /** One bare JSONata expression (a condition). */
  | { kind: "evaluate"; expression: string; context: RunContext; path: string };

/** Tasks an evaluator works through in order, answering each (`{ id, index, ...reply }`). */
export interface EvaluatorBatch {
  id: number;
  tasks: ExpressionTask[];
}

export type EvaluatorReply =
  /** The result as JSON text; null for JSONata's "nothing" (undefined). */
  | { ok: true; json: string | null }
  | { ok: false; error: { kind: "template"; path: string; expression: string; detail: string } | { kind: "limit"; limit: ExpressionLimit; message: string } };
