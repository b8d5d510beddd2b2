// "What was the run doing then?": the run's state as it was right after one of its events,
// rebuilt from the event log up to it with the same rules that apply streamed events on the run
// page (live-state.ts applyRunEvents). A step that had succeeded (or was skipped or reused) by
// then shows its output: a step succeeds at most once in a run (retries and skips act on steps
// that have not), so the output it has now is the output it had then. The context is what a
// template evaluated then would have seen.
import type pg from "pg";
import { z } from "zod";
import { notFound } from "../api/errors.ts";
import { applyRunEvents, type RunView, type StreamEvent } from "./live-state.ts";

export const runStateQuery = z.strictObject({ at: z.string().regex(/^\d{1,19}$/, "An event id, as the run's events list them.") });

const NONE_XID = "9223372036854775807";

export interface RunStateAt {
  event: { id: string; type: string; nodeId: string | null; at: Date; index: number; of: number };
  status: string;
  steps: { nodeId: string; status: string; attempt: number }[];
  context: { input: unknown; steps: Record<string, { output: unknown }>; run: { id: string; workflowId: string; attempt: number } };
}

export async function runStateAt(pool: Pick<pg.Pool, "query">, runId: string, eventId: string): Promise<RunStateAt> {
  const { rows: runs } = await pool.query(`select id, workflow_id, input from runs where id = $1`, [runId]);
  if (!runs[0]) throw notFound(`Run ${runId}`);
  // The run's own steps only (a for-each's items are rows of their own, shown by the for-each).
  const { rows } = await pool.query(
    `select e.id::text, e.type, e.node_id, e.step_run_id, e.actor, e.data, e.at
       from run_events e left join step_runs s on s.id = e.step_run_id
      where e.run_id = $1 and coalesce(s.iteration, 0) = 0 order by e.id`,
    [runId],
  );
  const index = rows.findIndex((e) => e.id === eventId);
  if (index < 0) throw notFound(`Event ${eventId} of run ${runId}`);
  // Positions past a snapshot that includes nothing: every event up to `at` is applied.
  const events: StreamEvent[] = rows.slice(0, index + 1).map((e) => ({ position: `${NONE_XID}-${e.id}`, id: e.id, runId, stepRunId: e.step_run_id, nodeId: e.node_id, type: e.type, actor: e.actor, data: e.data ?? {}, at: e.at.toISOString() }));
  const empty = { id: runId, status: "queued", error: null, heldSince: null, steps: [], snapshot: "1:1:" } as unknown as RunView;
  const then = applyRunEvents(empty, events);
  const done = then.steps.filter((s) => s.status === "succeeded" || s.status === "skipped");
  const { rows: outputs } = await pool.query(`select id, output from step_runs where id = any($1::uuid[])`, [done.map((s) => s.id)]);
  const outputOf = new Map(outputs.map((o) => [o.id as string, o.output]));
  const e = rows[index];
  return {
    event: { id: e.id, type: e.type, nodeId: e.node_id, at: e.at, index, of: rows.length },
    status: then.status,
    steps: then.steps.map((s) => ({ nodeId: s.nodeId, status: s.status, attempt: s.attempt })),
    context: {
      input: runs[0].input,
      steps: Object.fromEntries(done.map((s) => [s.nodeId, { output: outputOf.get(s.id) ?? null }])),
      // As a step's templates see it: that step's attempt (1 for the run's own events).
      run: { id: runId, workflowId: runs[0].workflow_id, attempt: Math.max(1, then.steps.find((s) => s.nodeId === e.node_id)?.attempt ?? 1) },
    },
  };
}
