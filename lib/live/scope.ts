// What a subscriber follows: one run's every event, or the run-level events of all runs (status
// changes, progress, dead letters and approvals: what lists, the dashboard and the inbox show). The same rule in JavaScript for
// live events and in SQL for catching up.
import type { LiveEvent } from "./listener.ts";
import type { EventType } from "../engine/event-catalog.ts";

/** `exceptNodes`: events of these nodes are left out (a for-each's items, thousands of them). */
export type Scope = { run: string; exceptNodes?: string[] } | { allRuns: true };

const RUN_LEVEL_PREFIXES = ["run.", "approval."];
// step.progress: a run's figure on /runs moves with it (a for-each writes one per whole percent,
// a running step at most four a second).
const RUN_LEVEL_TYPES: readonly string[] = ["step.progress", "step.dead_lettered", "command.requeue_dead_letter", "command.discard_dead_letter"] satisfies EventType[];

export function inScope(scope: Scope, event: Pick<LiveEvent, "runId" | "type" | "nodeId">): boolean {
  return "run" in scope
    ? event.runId === scope.run && !(event.nodeId && scope.exceptNodes?.includes(event.nodeId))
    : RUN_LEVEL_PREFIXES.some((p) => event.type.startsWith(p)) || RUN_LEVEL_TYPES.includes(event.type);
}

/** An `and ...` clause for run_events, with parameters numbered from `first`. */
export function scopeSql(scope: Scope, first: number): { sql: string; values: unknown[] } {
  return "run" in scope
    ? scope.exceptNodes
      ? { sql: `and run_id = $${first}::uuid and (node_id is null or node_id <> all($${first + 1}::text[]))`, values: [scope.run, scope.exceptNodes] }
      : { sql: `and run_id = $${first}::uuid`, values: [scope.run] }
    : { sql: `and (${RUN_LEVEL_PREFIXES.map((p) => `type like '${p}%'`).join(" or ")} or type = any($${first}::text[]))`, values: [RUN_LEVEL_TYPES] };
}
