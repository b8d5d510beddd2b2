// What each kind of alert rule watches: the subjects for which it fires now (a workflow, a dead
// letter, a run, a dependency), each with the sentence a person reads. Evaluated by the sweeper
// (lib/alerts/evaluate.ts); a subject that stops firing resolves its alert.
import type pg from "pg";
import { activeRunStatuses } from "../engine/states.ts";
import { stuckAfterSeconds, stuckStepsSql } from "../runs/stuck.ts";

import type { AlertKind } from "./kinds.ts";

export interface RuleRow {
  id: string;
  name: string;
  kind: AlertKind;
  workflow_id: string | null;
  params: { percent?: number; windowMinutes?: number; minRuns?: number; maxPerHour?: number };
  channel_ids: string[];
  created_at: Date;
}

export interface Firing {
  message: string;
  /** Where to look: a path on Baton (the run, the dead letters, the dependency). */
  path: string;
  data: Record<string, unknown>;
}

type Subjects = Map<string, Firing>;

export async function firingSubjects(pool: Pick<pg.Pool, "query">, rule: RuleRow): Promise<Subjects> {
  const wf = rule.workflow_id;
  const out: Subjects = new Map();
  switch (rule.kind) {
    case "run_failed": {
      // Per workflow: its latest finished run (since the rule exists) failed. The next success clears it.
      const { rows } = await pool.query(
        `select distinct on (r.workflow_id) r.workflow_id, w.name, r.id, r.status, r.error->>'message' as error
           from runs r join workflows w on w.id = r.workflow_id
          where r.status in ('succeeded', 'failed') and r.finished_at >= $1 and ($2::uuid is null or r.workflow_id = $2) and r.parent_run_id is null
          order by r.workflow_id, r.finished_at desc`,
        [rule.created_at, wf],
      );
      for (const r of rows.filter((r) => r.status === "failed")) {
        out.set(`workflow:${r.workflow_id}`, { message: `Run ${r.id.slice(0, 8)} of ${r.name} failed: ${r.error ?? "no message"}`, path: `/runs/${r.id}`, data: { workflowId: r.workflow_id, workflowName: r.name, runId: r.id, error: r.error } });
      }
      return out;
    }
    case "dead_letter": {
      const { rows } = await pool.query(
        `select d.id::text, d.run_id, d.node_id, w.name, d.error->>'message' as error from dead_letters d left join workflows w on w.id = d.workflow_id
          where d.resolved_at is null and ($1::uuid is null or d.workflow_id = $1) order by d.created_at limit 500`,
        [wf],
      );
      for (const d of rows) out.set(`dead_letter:${d.id}`, { message: `Step ${d.node_id} of ${d.name ?? "a workflow"} is in the dead letters: ${d.error ?? "no message"}`, path: `/runs/${d.run_id}?step=${encodeURIComponent(d.node_id)}`, data: { deadLetterId: d.id, runId: d.run_id, nodeId: d.node_id, workflowName: d.name } });
      return out;
    }
    case "run_stuck": {
      const { rows } = await pool.query(
        `select r.id, w.name, st.node_id, st.kind from runs r join workflows w on w.id = r.workflow_id
           join lateral (select * from (${stuckStepsSql("$1")}) x limit 1) st on true
          where r.status = any($2::run_status[]) and ($3::uuid is null or r.workflow_id = $3) limit 500`,
        [stuckAfterSeconds(), activeRunStatuses, wf],
      );
      for (const r of rows) out.set(`run:${r.id}`, { message: `Run ${r.id.slice(0, 8)} of ${r.name} is stuck at ${r.node_id} (${String(r.kind).replaceAll("_", " ")})`, path: `/runs/${r.id}?step=${encodeURIComponent(r.node_id)}`, data: { runId: r.id, nodeId: r.node_id, kind: r.kind } });
      return out;
    }
    case "approval_requested": {
      // Open requests waiting for a decision: each notifies its eligible people (deliver.ts adds
      // their personal decision links); deciding it resolves the alert.
      const { rows } = await pool.query(
        `select a.id, a.title, a.run_id, a.node_id, w.name from approval_requests a join workflows w on w.id = a.workflow_id
          where a.state = 'pending_approval' and a.closed_at is null and a.created_at >= $1 and ($2::uuid is null or a.workflow_id = $2) limit 500`,
        [rule.created_at, wf],
      );
      for (const a of rows) out.set(`approval:${a.id}`, { message: `Approval needed: ${a.title} (${a.name})`, path: `/approvals/${a.id}`, data: { approvalId: a.id, runId: a.run_id, nodeId: a.node_id, title: a.title } });
      return out;
    }
    case "approval_overdue": {
      const { rows } = await pool.query(
        `select a.id, a.run_id, a.node_id, w.name, a.deadline_at, a.escalations from approval_requests a join runs r on r.id = a.run_id join workflows w on w.id = r.workflow_id
          where a.state in ('pending_approval', 'changes_requested') and (a.deadline_at < now() or a.escalations > 0) and ($1::uuid is null or r.workflow_id = $1) limit 500`,
        [wf],
      );
      // Past its deadline, or escalated at it (the deadline passed with nobody deciding).
      for (const a of rows) out.set(`approval:${a.id}`, { message: `The approval ${a.node_id} of ${a.name} is overdue: nobody decided by its deadline`, path: `/approvals/${a.id}`, data: { approvalId: a.id, runId: a.run_id, deadlineAt: a.deadline_at } });
      return out;
    }
    case "no_run": {
      // A workflow expected to run (a schedule, a feed) with no run started in the window; the
      // window is counted from the rule's creation at the earliest.
      const minutes = rule.params.windowMinutes ?? 60;
      const { rows } = await pool.query(
        `select w.id, w.name, (select max(created_at) from runs r where r.workflow_id = w.id) as last
           from workflows w
          where w.deleted_at is null and w.active_version is not null and now() - $2::timestamptz > make_interval(secs => $3::float8 * 60)
            and ($1::uuid is not null and w.id = $1 or $1::uuid is null and exists (select 1 from triggers t where t.workflow_id = w.id and t.kind = 'cron' and not t.paused))`,
        [wf, rule.created_at, minutes],
      );
      for (const w of rows.filter((w) => !w.last || Date.now() - w.last.getTime() > minutes * 60_000)) {
        out.set(`workflow:${w.id}`, { message: `${w.name} has not run for ${minutes} min${w.last ? ` (last run ${w.last.toISOString()})` : " (never ran)"}`, path: `/runs?workflowId=${w.id}`, data: { workflowId: w.id, lastRunAt: w.last } });
      }
      return out;
    }
    case "breaker_opened": {
      const { rows } = await pool.query(`select key, state, open_until from dependencies where state <> 'closed'`);
      for (const d of rows) out.set(`dependency:${d.key}`, { message: `The circuit breaker of ${d.key} is ${d.state.replace("_", "-")}: steps calling it are held`, path: `/dependencies/${encodeURIComponent(d.key)}`, data: { dependency: d.key, state: d.state } });
      return out;
    }
    case "failure_rate": {
      const percent = rule.params.percent ?? 20;
      const minRuns = rule.params.minRuns ?? 10;
      const { rows } = await pool.query(
        `select r.workflow_id, w.name, count(*)::int as finished, count(*) filter (where r.status = 'failed')::int as failed
           from runs r join workflows w on w.id = r.workflow_id
          where r.finished_at > now() - make_interval(secs => $1::float8 * 60) and r.status in ('succeeded', 'failed') and ($2::uuid is null or r.workflow_id = $2)
          group by 1, 2`,
        [rule.params.windowMinutes ?? 15, wf],
      );
      for (const r of rows) {
        const rate = (100 * r.failed) / r.finished;
        if (r.finished >= minRuns && rate > percent) {
          out.set(`workflow:${r.workflow_id}`, { message: `${r.name}: ${Math.round(rate)} % of ${r.finished} runs failed in the last ${rule.params.windowMinutes ?? 15} min (over ${percent} %)`, path: `/runs?workflowId=${r.workflow_id}&status=failed`, data: { workflowId: r.workflow_id, failed: r.failed, finished: r.finished, percent: rate } });
        }
      }
      return out;
    }
  }
}
