// Approval steps through the API, on a real web process and worker: a run waits for people,
// decisions are refused to whoever may not make them, the quorum counts distinct people, the
// run goes on down the decision's branch in the decision's transaction, and the decisions form
// a hash chain that cannot be edited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, publish, runWorkflow, startEngine, stepOf, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { Client } from "../helpers/http.ts";
import { emailFor } from "../helpers/fixtures.ts";
import { waitFor } from "../helpers/processes.ts";
import { examples } from "../../lib/db/examples.ts";

let engine: Engine;
let workflowId: string;
let bot: Client;

const approvalFlow = (config: Record<string, unknown>) =>
  definition(
    [
      { id: "start", type: "start" },
      { id: "review", type: "approval", name: "Review the refund", config: { title: "Refund {{ input.amount }} EUR?", data: { amount: "{{ input.amount }}" }, ...config } },
      { id: "pay", type: "transform", config: { output: "paid" } },
      { id: "paid", type: "end", config: { output: "{{ steps.pay.output }}" } },
      { id: "refused", type: "end", config: { output: "refused" } },
    ],
    [
      ["start", "review"],
      ["review", "pay", "approved"],
      ["pay", "paid"],
      ["review", "refused", "rejected"],
    ],
  );

beforeAll(async () => {
  engine = await startEngine();
  const admin = await engine.as("admin");
  // Admins may decide too, but not on runs they started themselves.
  workflowId = await publish(admin, approvalFlow({ roles: ["approver", "admin"], quorum: 2 }), "Refunds");
  const token = await admin.post("/tokens", { name: "second-approver", role: "approver" });
  bot = new Client(engine.web.url);
  bot.token = token.json.token;
});
afterAll(async () => {
  await engine?.stop();
});

async function requestOf(client: Client, runId: string) {
  const list = await client.get(`/approvals?status=all`);
  expect(list.status).toBe(200);
  return list.json.approvals.find((a: { runId: string }) => a.runId === runId) as { id: string; state: string };
}

describe("an approval step", () => {
  it("waits for a quorum of distinct eligible people, refusing the others, then goes down the approved branch", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const runId = await runWorkflow(admin, workflowId, { amount: 120 });
    const step = await waitForStep(admin, runId, "review", ["waiting"]);
    expect(step.waitKind).toBe("approval");
    expect((await waitForRun(admin, runId, ["waiting"])).status).toBe("waiting");

    const mine = (await approver.get("/approvals?assignedTo=me")).json.approvals;
    expect(mine.map((a: { runId: string }) => a.runId)).toContain(runId);
    // The admin started the run: it is not waiting on them.
    expect((await admin.get("/approvals?assignedTo=me")).json.approvals.map((a: { runId: string }) => a.runId)).not.toContain(runId);
    const { id } = await requestOf(approver, runId);
    const request = (await approver.get(`/approvals/${id}`)).json;
    expect(request).toMatchObject({ state: "pending_approval", title: "Refund 120 EUR?", data: { amount: 120 }, quorum: 2, requestedBy: `user:${emailFor("admin")}` });

    // Who may not decide, and why.
    const viewer = await (await engine.as("viewer")).post(`/approvals/${id}/decisions`, { decision: "approve" });
    expect(viewer.status).toBe(403);
    const self = await admin.post(`/approvals/${id}/decisions`, { decision: "approve" });
    expect(self.status).toBe(403);
    expect(self.json.detail).toContain("nobody approves their own request");
    const bad = await approver.post(`/approvals/${id}/decisions`, { decision: "maybe" });
    expect(bad.status).toBe(422);

    const first = await approver.post(`/approvals/${id}/decisions`, { decision: "approve", comment: "within policy" });
    expect(first.status).toBe(200);
    expect(first.json.state).toBe("pending_approval");
    const twice = await approver.post(`/approvals/${id}/decisions`, { decision: "approve" });
    expect(twice.status).toBe(409);
    expect((await waitForRun(admin, runId, ["waiting"])).status).toBe("waiting");

    const second = await bot.post(`/approvals/${id}/decisions`, { decision: "approve" });
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ state: "approved", chainVerified: true });
    expect(second.json.decisions.map((d: { decision: string; actor: string }) => [d.decision, d.actor])).toEqual([
      ["request", expect.stringMatching(/^worker:/)],
      ["approve", `user:${emailFor("approver")}`],
      ["approve", "token:second-approver"],
    ]);
    const run = await waitForRun(admin, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "paid" });
    expect(stepOf(run, "review")).toMatchObject({ status: "succeeded", branch: "approved", output: { decision: "approved", requestId: id } });
    expect(stepOf(run, "refused").status).toBe("skipped");
    const after = await approver.post(`/approvals/${id}/decisions`, { decision: "reject", comment: "too late" });
    expect(after.status).toBe(409);

    const events = (await admin.get(`/runs/${runId}/events`)).json.events.map((e: { type: string }) => e.type);
    expect(events.filter((t: string) => t.startsWith("approval."))).toEqual(["approval.requested", "approval.decided", "approval.decided"]);
    // The decisions cannot be edited afterwards.
    await expect(engine.db.pool.query(`update approval_decisions set comment = 'changed' where request_id = $1`, [id])).rejects.toThrow(/append-only/);
  });

  it("rejects on one rejection, which needs a reason, and takes the rejected branch", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const runId = await runWorkflow(admin, workflowId, { amount: 9000 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    const noReason = await approver.post(`/approvals/${id}/decisions`, { decision: "reject" });
    expect(noReason.status).toBe(422);
    expect(noReason.json.errors).toEqual([expect.objectContaining({ path: "comment" })]);
    const rejected = await approver.post(`/approvals/${id}/decisions`, { decision: "reject", comment: "over the limit" });
    expect(rejected.json.state).toBe("rejected");
    const run = await waitForRun(admin, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "refused" });
    expect(stepOf(run, "pay").status).toBe("skipped");
  });

  it("asks for changes, takes a resubmission from the starter, and counts approvals anew", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const runId = await runWorkflow(admin, workflowId, { amount: 700 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    expect((await approver.post(`/approvals/${id}/decisions`, { decision: "approve" })).json.state).toBe("pending_approval");
    expect((await bot.post(`/approvals/${id}/decisions`, { decision: "request_changes" })).status).toBe(422);
    const asked = await bot.post(`/approvals/${id}/decisions`, { decision: "request_changes", comment: "split it into two refunds" });
    expect(asked.json.state).toBe("changes_requested");
    expect((await approver.post(`/approvals/${id}/decisions`, { decision: "approve" })).status).toBe(409);
    expect((await waitForRun(admin, runId, ["waiting"])).status).toBe("waiting");

    expect((await (await engine.as("viewer")).post(`/approvals/${id}/resubmit`, { comment: "mine now" })).status).toBe(403);
    expect((await admin.post(`/approvals/${id}/resubmit`, {})).status).toBe(422);
    const before = (await approver.get(`/approvals/${id}`)).json;
    const again = await admin.post(`/approvals/${id}/resubmit`, { data: { amount: 350 }, comment: "first half" });
    expect(again.json).toMatchObject({ state: "pending_approval", data: { amount: 350 }, dataVersion: 2 });
    expect(again.json.dataHash).not.toBe(before.dataHash);
    expect((await admin.post(`/approvals/${id}/resubmit`, { comment: "twice" })).status).toBe(409);

    // The approval given before the changes does not count for the new data.
    expect((await approver.post(`/approvals/${id}/decisions`, { decision: "approve" })).json.state).toBe("pending_approval");
    const done = await bot.post(`/approvals/${id}/decisions`, { decision: "approve" });
    expect(done.json).toMatchObject({ state: "approved", chainVerified: true });
    expect(done.json.decisions.map((d: { decision: string }) => d.decision)).toEqual(["request", "approve", "request_changes", "resubmit", "approve", "approve"]);
    const run = await waitForRun(admin, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "paid" });
    expect(stepOf(run, "review").output.decisions.map((d: { actor: string }) => d.actor)).toEqual([`user:${emailFor("approver")}`, "token:second-approver"]);
  });

  it("closes the request as soon as its run is cancelled, and a late decision is refused", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const runId = await runWorkflow(admin, workflowId, { amount: 5 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    expect((await (await engine.as("operator")).post(`/runs/${runId}/cancel`)).status).toBe(200);
    expect((await approver.get(`/approvals/${id}`)).json).toMatchObject({ state: "cancelled", closedAt: expect.any(String), chainVerified: true });
    expect((await approver.get("/approvals?assignedTo=me")).json.approvals.map((a: { id: string }) => a.id)).not.toContain(id);
    const late = await approver.post(`/approvals/${id}/decisions`, { decision: "approve" });
    expect(late.status).toBe(409);
    expect(late.json.detail).toContain("cancelled");
    expect((await waitForRun(admin, runId)).status).toBe("cancelled");
    const events = (await admin.get(`/runs/${runId}/events`)).json.events.map((e: { type: string }) => e.type);
    expect(events).toContain("approval.cancelled");
  });

  it("escalates at the deadline, reminds while open, then expires down the rejected branch", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const flow = await publish(
      admin,
      approvalFlow({ roles: ["approver"], deadline: "1s", onDeadline: "escalate", escalateRoles: ["admin"], escalationDeadline: "2s", remindEvery: "1s" }),
      "Escalating refunds",
    );
    const runId = await runWorkflow(admin, flow, { amount: 42 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    // The worker's sweeper (every 5 s) passes the deadline: the request is escalated to admins.
    const escalated = await waitFor("the request to be escalated", async () => {
      const r = (await approver.get(`/approvals/${id}`)).json;
      return r.escalations === 1 ? r : undefined;
    });
    expect(escalated).toMatchObject({ state: "pending_approval", eligibleRoles: ["admin"], closedAt: null });
    const refused = await approver.post(`/approvals/${id}/decisions`, { decision: "approve" });
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toContain("role admin");
    // Nobody decides by the escalation's deadline: expired, and the run takes the rejected branch.
    const run = await waitForRun(admin, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "refused" });
    expect(stepOf(run, "review")).toMatchObject({ branch: "rejected", output: { decision: "expired", requestId: id } });
    const request = (await approver.get(`/approvals/${id}`)).json;
    expect(request).toMatchObject({ state: "expired", chainVerified: true });
    expect(request.reminders).toBeGreaterThanOrEqual(1);
    expect(request.decisions.map((d: { decision: string; actor: string }) => [d.decision, d.actor])).toEqual([
      ["request", expect.stringMatching(/^worker:/)],
      ["escalate", "system:sweeper"],
      ["expire", "system:sweeper"],
    ]);
    const events = (await admin.get(`/runs/${runId}/events`)).json.events.map((e: { type: string }) => e.type);
    expect(events).toEqual(expect.arrayContaining(["approval.escalated", "approval.reminded", "approval.expired"]));
  });

  it("approves at the deadline when its policy says so", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const flow = await publish(admin, approvalFlow({ deadline: "1s", onDeadline: "approve" }), "Approved by default");
    const runId = await runWorkflow(admin, flow, { amount: 1 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    const run = await waitForRun(admin, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "paid" });
    expect((await approver.get(`/approvals/${id}`)).json).toMatchObject({ state: "approved", chainVerified: true });
  });

  it("takes the changes_requested branch when the workflow draws one, closing the request", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const flow = definition(
      [
        { id: "start", type: "start" },
        { id: "review", type: "approval", config: { title: "Publish the post?" } },
        { id: "ok", type: "end", config: { output: "published" } },
        { id: "no", type: "end", config: { output: "dropped" } },
        { id: "edit", type: "end", config: { output: "{{ steps.review.output.decisions[0].comment }}" } },
      ],
      [
        ["start", "review"],
        ["review", "ok", "approved"],
        ["review", "no", "rejected"],
        ["review", "edit", "changes_requested"],
      ],
    );
    const runId = await runWorkflow(admin, await publish(admin, flow, "Posts"), {});
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    const asked = await approver.post(`/approvals/${id}/decisions`, { decision: "request_changes", comment: "shorter title" });
    expect(asked.json).toMatchObject({ state: "changes_requested", closedAt: expect.any(String) });
    const run = await waitForRun(admin, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "shorter title" });
    expect(stepOf(run, "review").branch).toBe("changes_requested");
    const resubmitted = await admin.post(`/approvals/${id}/resubmit`, { comment: "too late" });
    expect(resubmitted.status).toBe(409);
    expect(resubmitted.json.detail).toContain("closed");
  });

  it("refuses at publication a quorum larger than the people named", async () => {
    const admin = await engine.as("admin");
    const created = await admin.post("/workflows", { name: "Too few", definition: approvalFlow({ roles: [], users: [emailFor("approver")], quorum: 2 }) });
    expect(created.status).toBe(201);
    const published = await admin.post(`/workflows/${created.json.id}/versions`, { note: "try" });
    expect(published.status).toBe(422);
    expect(JSON.stringify(published.json)).toContain("2 approvals are needed but only 1 people may decide");
    expect((await admin.get(`/workflows/${created.json.id}`)).json.activeVersion ?? null).toBeNull();
  });

  it("pages through the list with a cursor and refuses a forged one", async () => {
    const approver = await engine.as("approver");
    const first = (await approver.get("/approvals?status=all&limit=2")).json;
    expect(first.approvals).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await approver.get(`/approvals?status=all&limit=2&cursor=${first.nextCursor}`)).json;
    expect(second.approvals.length).toBeGreaterThan(0);
    const ids = [...first.approvals, ...second.approvals].map((a: { id: string }) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Date(second.approvals[0].createdAt).getTime()).toBeLessThanOrEqual(new Date(first.approvals[1].createdAt).getTime());
    const forged = await approver.get("/approvals?cursor=bm90LWEtY3Vyc29y");
    expect(forged.status).toBe(400);
    expect(forged.json.errors).toEqual([expect.objectContaining({ path: "query.cursor" })]);
  });

  it("lets a decision and a cancel race: exactly one wins and no step completes twice", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const operator = await engine.as("operator");
    const flow = await publish(admin, approvalFlow({ roles: ["approver"] }), "Races");
    for (let i = 0; i < 4; i++) {
      const runId = await runWorkflow(admin, flow, { amount: i });
      await waitForStep(admin, runId, "review", ["waiting"]);
      const { id } = await requestOf(approver, runId);
      const [decided, cancelled] = await Promise.all([approver.post(`/approvals/${id}/decisions`, { decision: "approve" }), operator.post(`/runs/${runId}/cancel`)]);
      const run = await waitForRun(admin, runId);
      const request = (await approver.get(`/approvals/${id}`)).json;
      expect(request.chainVerified).toBe(true);
      if (request.state === "approved") {
        expect(decided.status).toBe(200);
        expect(stepOf(run, "review").status).toBe("succeeded");
      } else {
        expect(request.state).toBe("cancelled");
        expect(cancelled.status).toBe(200);
        expect(decided.status).toBe(409);
        expect(run.status).toBe("cancelled");
        expect(stepOf(run, "review").status).toBe("cancelled");
      }
      const events = (await admin.get(`/runs/${runId}/events`)).json.events.filter((e: { nodeId: string }) => e.nodeId === "review");
      const ends = events.filter((e: { type: string }) => ["step.succeeded", "step.cancelled", "step.failed"].includes(e.type));
      expect(ends).toHaveLength(1);
    }
  });

  it("keeps a waiting request through a worker killed with SIGKILL; the next worker carries on after the decision", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const runId = await runWorkflow(admin, workflowId, { amount: 77 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    const killed = engine.workers[0];
    killed.kill("SIGKILL");
    await killed.exited;
    await engine.addWorker();
    expect((await approver.get(`/approvals/${id}`)).json).toMatchObject({ state: "pending_approval", closedAt: null });
    expect((await approver.post(`/approvals/${id}/decisions`, { decision: "approve" })).status).toBe(200);
    expect((await bot.post(`/approvals/${id}/decisions`, { decision: "approve" })).json.state).toBe("approved");
    const run = await waitForRun(admin, runId);
    expect(run).toMatchObject({ status: "succeeded", output: "paid" });
    const attempts = await engine.db.pool.query(`select count(*)::int as n from step_attempts a join step_runs s on s.id = a.step_run_id where s.run_id = $1 and s.node_id = 'review'`, [runId]);
    expect(attempts.rows[0].n).toBe(1);
  });
});

describe("decision links", () => {
  it("show the request on GET without deciding, decide once on POST as their person, and refuse a forged token", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const flow = await publish(admin, approvalFlow({ roles: ["approver"] }), "Linked refunds");
    const runId = await runWorkflow(admin, flow, { amount: 60 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);

    // Only operators and admins make links, only for people who may decide.
    expect((await approver.post(`/approvals/${id}/links`, { email: emailFor("approver") })).status).toBe(403);
    const notEligible = await admin.post(`/approvals/${id}/links`, { email: emailFor("editor") });
    expect(notEligible.status).toBe(422);
    expect(notEligible.json.errors).toEqual([expect.objectContaining({ path: "email" })]);
    const made = await admin.post(`/approvals/${id}/links`, { email: emailFor("approver") });
    expect(made.status).toBe(201);
    const token = new URL(made.json.url).pathname.split("/").pop()!;
    expect((await engine.db.pool.query(`select count(*)::int as n from approval_links where token_hash = $1`, [token])).rows[0].n).toBe(0);

    // A mail scanner follows the link (the page and the API): nothing is decided.
    const anonymous = new Client(engine.web.url);
    const page = await fetch(made.json.url, { redirect: "manual" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Refund 60 EUR?");
    const shown = await anonymous.get(`/approval-links/${token}`);
    expect(shown.json).toMatchObject({ email: emailFor("approver"), problem: null, request: { id, state: "pending_approval" } });
    expect((await approver.get(`/approvals/${id}`)).json.decisions).toHaveLength(1);

    expect((await anonymous.post(`/approval-links/${"x".repeat(43)}/decisions`, { decision: "approve" })).status).toBe(404);
    expect((await anonymous.post(`/approval-links/not-a-token/decisions`, { decision: "approve" })).status).toBe(404);
    const decided = await anonymous.post(`/approval-links/${token}/decisions`, { decision: "approve" });
    expect(decided.status).toBe(200);
    expect(decided.json.state).toBe("approved");
    expect(decided.json.decisions.at(-1)).toMatchObject({ actor: `user:${emailFor("approver")}`, role: "approver", decision: "approve" });
    expect((await waitForRun(admin, runId)).output).toBe("paid");
    const again = await anonymous.post(`/approval-links/${token}/decisions`, { decision: "reject", comment: "changed my mind" });
    expect(again.status).toBe(409);
    expect(again.json.detail).toContain("used already");
    expect((await anonymous.get(`/approval-links/${token}`)).json.problem).toContain("used already");
  });
});

describe("the CSV export", () => {
  it("has one row per transition with its hashes, and defuses cells that a spreadsheet would run", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const flow = await publish(admin, approvalFlow({ roles: ["approver"] }), "Exported");
    const runId = await runWorkflow(admin, flow, { amount: 3 });
    await waitForStep(admin, runId, "review", ["waiting"]);
    const { id } = await requestOf(approver, runId);
    await approver.post(`/approvals/${id}/decisions`, { decision: "reject", comment: '=HYPERLINK("http://evil.example","click")' });
    const res = await fetch(`${engine.web.url}/api/v1/approvals/export.csv?status=decided`, { headers: { cookie: approver.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="baton-approvals-decided-/);
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("request_id,workflow,run_id,step,title,state,seq,at,actor,role,decision,from_state,to_state,comment,data_hash,prev_hash,hash");
    const mine = lines.filter((l) => l.startsWith(id));
    expect(mine).toHaveLength(2);
    expect(mine[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(mine[1]).toContain(",reject,pending_approval,rejected,");
  });
});

describe("the Expense approval example", () => {
  it("pays small expenses by policy, asks one approver over 100 and two over 1,000, and notifies on a rejection", async () => {
    const admin = await engine.as("admin");
    const approver = await engine.as("approver");
    const seeded = examples.find((e) => e.name === "Expense approval (example)")!;
    const example = { id: await publish(admin, seeded.definition, seeded.name) };
    const small = await runWorkflow(admin, example.id, { employee: "Ada", email: "ada@example.com", amount: 40, purpose: "Taxi" });
    expect(await waitForRun(admin, small)).toMatchObject({ status: "succeeded", output: { status: "paid", amount: 40, expenseId: expect.any(Number) } });

    const medium = await runWorkflow(admin, example.id, { employee: "Ada", amount: 240, purpose: "Conference ticket" });
    await waitForStep(admin, medium, "manager_approval", ["waiting"]);
    const request = await requestOf(approver, medium);
    expect((await approver.get(`/approvals/${request.id}`)).json).toMatchObject({ title: "Expense of 240 EUR by Ada", data: { employee: "Ada", amount: 240 }, deadlineAt: expect.any(String) });
    await approver.post(`/approvals/${request.id}/decisions`, { decision: "approve" });
    expect(await waitForRun(admin, medium)).toMatchObject({ status: "succeeded", output: { status: "paid", amount: 240 } });
    // Recorded in the app database, and the employee told (in the outbox: no SMTP credential).
    const outbox = (await admin.get("/outbox")).json.messages.map((m: { subject: string; to: string[] }) => [m.subject, m.to]);
    expect(outbox).toContainEqual(["Your expense of 240 EUR is paid", ["employee@example.com"]]);
    expect(outbox).toContainEqual(["Your expense of 40 EUR is paid", ["ada@example.com"]]);

    const large = await runWorkflow(admin, example.id, { employee: "Ada", amount: 5000, purpose: "New laptop" });
    await waitForStep(admin, large, "two_approvals", ["waiting"]);
    const big = await requestOf(approver, large);
    expect((await approver.post(`/approvals/${big.id}/decisions`, { decision: "approve" })).json.state).toBe("pending_approval");
    await bot.post(`/approvals/${big.id}/decisions`, { decision: "reject", comment: "use the pool laptop" });
    expect(await waitForRun(admin, large)).toMatchObject({ status: "succeeded", output: { status: "rejected", notified: ["employee@example.com"] } });
    const notice = (await admin.get("/outbox")).json.messages.find((m: { subject: string }) => m.subject === "Your expense of 5000 EUR was not approved");
    expect(notice.text).toContain("use the pool laptop");
  });
});
