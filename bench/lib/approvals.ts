// Approvals: how soon the step after an approval starts once a person decides (the decision's
// own transaction resumes the run), and how fast the inbox answers with 10,000 open requests.
import { createApiToken } from "../../lib/admin/api-tokens.ts";
import { Client } from "../../tests/helpers/http.ts";
import { publishWorkflow, startStack, type Cluster } from "./cluster.ts";
import { distribution, sleep, type Distribution } from "./stats.ts";

export interface ApprovalsResult {
  samples: number;
  /** Decision row written → the successor step started (database clocks on one machine). */
  decisionToNextStepMs: Distribution;
  /** POST /approvals/:id/decisions as the client sees it. */
  decideRequestMs: Distribution;
  openRequests: number;
  inboxMs: { waitingOnMe: Distribution; allOpen: Distribution; count: Distribution };
}

const definition = {
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
    { id: "review", type: "approval", position: { x: 250, y: 0 }, config: { title: "Bench {{ input.n }}", data: { n: "{{ input.n }}" }, roles: ["approver"] } },
    { id: "next", type: "transform", position: { x: 500, y: 0 }, config: { output: "approved" } },
    { id: "done", type: "end", position: { x: 750, y: 0 }, config: {} },
  ],
  edges: [
    { id: "e1", source: "start", target: "review" },
    { id: "e2", source: "review", sourceHandle: "approved", target: "next" },
    { id: "e3", source: "next", target: "done" },
  ],
};

async function timed(samples: number, call: () => Promise<unknown>): Promise<Distribution> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  return distribution(ms);
}

export async function approvalsScenario(cluster: Cluster, options: { samples: number; openRequests: number }): Promise<ApprovalsResult> {
  const stack = await startStack(cluster, 1);
  try {
    const { token } = await createApiToken({ name: "bench-approver", role: "approver" }, { label: "system", userId: null }, stack.db.prisma);
    const approver = new Client(stack.web.url);
    approver.token = token;
    const workflowId = await publishWorkflow(stack.client, definition, "Bench approvals");

    const gaps: number[] = [];
    const requests: number[] = [];
    for (let n = 0; n < options.samples; n++) {
      const runId = (await stack.client.post(`/workflows/${workflowId}/runs`, { input: { n } }, { origin: null })).json.id;
      let requestId: string | undefined;
      while (!requestId) {
        requestId = (await stack.db.pool.query(`select id from approval_requests where run_id = $1`, [runId])).rows[0]?.id;
        if (!requestId) await sleep(5);
      }
      const t = performance.now();
      const res = await approver.post(`/approvals/${requestId}/decisions`, { decision: "approve" }, { origin: null });
      requests.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`decision failed: ${res.status} ${res.text}`);
      let gap: number | undefined;
      while (gap === undefined) {
        const { rows } = await stack.db.pool.query(
          `select extract(epoch from (s.started_at - d.at)) * 1000 as ms from step_runs s, approval_decisions d
            where s.run_id = $1 and s.node_id = 'next' and s.started_at is not null and d.request_id = $2 and d.decision = 'approve'`,
          [runId, requestId],
        );
        gap = rows[0] ? Number(rows[0].ms) : undefined;
        if (gap === undefined) await sleep(5);
      }
      gaps.push(gap);
    }

    // Open requests on runs that do not exist: the inbox reads only its own tables (and workflows).
    await stack.db.pool.query(
      `with made as (
         insert into approval_requests (run_id, step_run_id, attempt, workflow_id, node_id, title, data, data_hash, eligible_roles, eligible_users, quorum, requested_by, created_at)
         select gen_random_uuid(), gen_random_uuid(), 1, $1, 'review', 'Bench ' || i, jsonb_build_object('n', i), md5(i::text), array['approver'], '{}', 1, 'token:bench',
                now() - make_interval(secs => i)
           from generate_series(1, $2) i
         returning id)
       insert into approval_decisions (request_id, seq, actor, decision, from_state, to_state, data_hash, hash)
       select id, 1, 'system:bench', 'request', '', 'pending_approval', 'x', md5(id::text) from made`,
      [workflowId, options.openRequests],
    );
    await stack.db.pool.query("analyze approval_requests; analyze approval_decisions");
    const inboxSamples = Math.max(20, options.samples);
    const get = (path: string) => async () => {
      const res = await approver.get(path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    };
    return {
      samples: options.samples,
      decisionToNextStepMs: distribution(gaps),
      decideRequestMs: distribution(requests),
      openRequests: options.openRequests,
      inboxMs: {
        waitingOnMe: await timed(inboxSamples, get("/approvals?assignedTo=me&limit=50")),
        allOpen: await timed(inboxSamples, get("/approvals?status=open&limit=50")),
        count: await timed(inboxSamples, get("/approvals/waiting-count")),
      },
    };
  } finally {
    await stack.stop();
  }
}
