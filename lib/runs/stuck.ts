// When a run is stuck: one of its open steps has been
// - running past its timeout (the worker should have aborted it), or without a heartbeat for
//   longer than the lease (its worker is gone and no sweeper has taken the step back);
// - queued, or due for a retry, for longer than BATON_STUCK_AFTER_SECONDS;
// - waiting past its time (a timer) or its deadline (a wait ended from outside) by that long.
//   A wait without a deadline (an approval with none) is healthy however long it lasts.
// Computed when read, in SQL, so lists can filter on it; the reason names the step and since when.
import { env } from "../env.ts";
import { LEASE_MS } from "../engine/sweep.ts";
import { DEFAULT_STEP_TIMEOUT_MS } from "../workflow/definition.ts";
import { openStepStatuses } from "../engine/states.ts";
import { stuckMessage, type StuckKind } from "./stuck-words.ts";

export type { StuckKind };

export interface Stuck {
  nodeId: string;
  kind: StuckKind;
  since: Date;
  message: string;
}

export const stuckAfterSeconds = () => env.BATON_STUCK_AFTER_SECONDS;

/** `in` list of the open step statuses (constants of states.ts, not input); pending ones are never stuck (no kind below). */
const OPEN = `(${openStepStatuses.map((s) => `'${s}'`).join(", ")})`;

/**
 * A lateral subquery over the open steps of run `r` giving
 * node_id, kind and since of each stuck step, oldest first. `$n` is the threshold in seconds.
 */
export function stuckStepsSql(thresholdParam: string): string {
  const threshold = `make_interval(secs => ${thresholdParam})`;
  const timeout = `make_interval(secs => coalesce((jsonb_path_query_first(v.definition, '$.nodes[*] ? (@.id == $id).timeoutMs', jsonb_build_object('id', s.node_id)))::numeric, ${DEFAULT_STEP_TIMEOUT_MS}) / 1000.0)`;
  const lease = `interval '${LEASE_MS / 1000} seconds'`;
  return `
    select s.node_id, x.kind, x.since from step_runs s
    join workflow_versions v on v.id = r.version_id
    cross join lateral (
      select case
               when s.status = 'running' and s.heartbeat_at < now() - ${lease} then 'heartbeat'
               when s.status = 'running' and s.started_at + ${timeout} + ${lease} < now() then 'timeout'
               when s.status = 'queued' and s.queued_at < now() - ${threshold} then 'queued'
               when s.status = 'retry_scheduled' and s.next_attempt_at < now() - ${threshold} then 'retry'
               when s.status = 'waiting' and s.wait_until < now() - ${threshold} then 'waiting'
             end as kind,
             case
               when s.status = 'running' and s.heartbeat_at < now() - ${lease} then s.heartbeat_at
               when s.status = 'running' then s.started_at + ${timeout}
               when s.status = 'queued' then s.queued_at
               when s.status = 'retry_scheduled' then s.next_attempt_at
               else s.wait_until
             end as since
    ) x
    where s.run_id = r.id and s.status in ${OPEN} and x.kind is not null
    order by x.since`;
}

export function describeStuck(row: { node_id: string; kind: StuckKind; since: Date }): Stuck {
  return { nodeId: row.node_id, kind: row.kind, since: row.since, message: stuckMessage(row.node_id, row.kind, row.since.toISOString()) };
}
