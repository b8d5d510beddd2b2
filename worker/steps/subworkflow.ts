import { definitions } from "#lib/steps/index.ts";
import { startRunInTransaction } from "#lib/engine/start-run.ts";
import { defineExecutor } from "./types.ts";

/** Starts the child run in the transaction in which this step begins to wait for it (so its end
 * can never come first), and waits holding no worker; lib/engine/child-runs.ts ends the wait. */
export const subworkflow = defineExecutor(definitions.subworkflow, async (config, ctx) => ({
  wait: {
    kind: "child_run",
    output: { workflowId: config.workflowId },
    record: async (tx, waiting, deps) => {
      const child = await startRunInTransaction(tx, deps, {
        workflowId: config.workflowId,
        version: config.version,
        input: config.input ?? {},
        actor: waiting.actor,
        parent: { runId: waiting.runId, stepRunId: waiting.stepRunId, nodeId: waiting.nodeId },
        // The child's trace is the parent's: its run span is a child of this step's.
        traceParent: ctx.traceparent,
      });
      await tx.query(`update step_runs set output = jsonb_build_object('childRunId', $2::text, 'workflowId', $3::text) where id = $1`, [waiting.stepRunId, child.id, config.workflowId]);
    },
  },
}));
