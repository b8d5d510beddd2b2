// The engine's consolidated paths, in process and fast: each test runs in one transaction on a
// real Postgres with the real pg-boss schema, and rolls it back. The engine's own transactions
// become savepoints inside it (see `oneTransaction`), so what it commits is visible to the
// assertions and gone afterwards. No web or worker process: the test plays the worker.
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import type { PgBoss } from "pg-boss";
import { startBoss } from "../../lib/queue.ts";
import type { EngineDeps } from "../../lib/engine/deps.ts";
import { startRun } from "../../lib/engine/start-run.ts";
import { claimStep, readPureSteps } from "../../lib/engine/claim.ts";
import { succeed } from "../../lib/engine/succeed.ts";
import { waitStep, resumeWait, resumeWaitInTransaction } from "../../lib/engine/wait.ts";
import { transaction, type Sql } from "../../lib/engine/tx.ts";
import { failStep } from "../../lib/engine/fail.ts";
import { cancelRun, skipStep } from "../../lib/engine/commands.ts";
import { enqueue, stepJobId, stepQueues, type StepJob } from "../../lib/engine/jobs.ts";
import { lockRun } from "../../lib/engine/run-lock.ts";
import { setRunStatus } from "../../lib/engine/run-status.ts";
import { IllegalTransition } from "../../lib/engine/states.ts";
import { sweep } from "../../lib/engine/sweep.ts";
import { stuckStepsSql } from "../../lib/runs/stuck.ts";
import { NonRetryableError } from "../../lib/engine/errors.ts";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { definition, linear } from "../helpers/engine.ts";

let db: TestDatabase;
let boss: PgBoss;
let client: pg.Client;
let deps: EngineDeps;
const WORKER = "test-worker";
const ACTOR = `worker:${WORKER}`;

/** A pool whose every connection is `client`, with transactions turned into savepoints. */
function oneTransaction(c: pg.Client): pg.Pool {
  let depth = 0;
  const query = (q: string | pg.QueryConfig, values?: unknown[]) => {
    const text = typeof q === "string" ? q : q.text;
    if (text === "begin") return c.query(`savepoint s${++depth}`);
    if (text === "commit") return c.query(`release savepoint s${depth--}`);
    if (text === "rollback") return c.query(`rollback to savepoint s${depth}`).then(() => c.query(`release savepoint s${depth--}`));
    return c.query(q as string, values);
  };
  const connection = { query, on() {}, off() {}, release() {} };
  return { connect: async () => connection, query } as unknown as pg.Pool;
}

beforeAll(async () => {
  db = await freshDatabase();
  boss = await startBoss({ databaseUrl: db.url, role: "web" });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  deps = { pool: oneTransaction(client), boss };
});

afterAll(async () => {
  await client?.end();
  await boss?.stop({ graceful: false, close: true });
  await db?.close();
});

beforeEach(() => client.query("begin"));
afterEach(() => client.query("rollback"));

async function publish(def: unknown): Promise<string> {
  const { rows } = await client.query(
    `with w as (insert into workflows (name, draft, active_version, created_by, updated_at) values ('core', $1, 1, 'test', now()) returning id)
     insert into workflow_versions (workflow_id, number, definition, created_by) select id, 1, $1, 'test' from w returning workflow_id`,
    [JSON.stringify(def)],
  );
  return rows[0].workflow_id;
}

const steps = async (runId: string) =>
  (await client.query(`select id, node_id, status, attempt, output from step_runs where run_id = $1 order by node_id`, [runId])).rows;
const stepRow = async (runId: string, nodeId: string) => (await steps(runId)).find((s) => s.node_id === nodeId)!;
const runRow = async (runId: string) => (await client.query(`select status, output, error from runs where id = $1`, [runId])).rows[0];
const eventTypes = async (runId: string, nodeId?: string) =>
  (await client.query(`select type from run_events where run_id = $1 and ($2::text is null or node_id = $2) order by id`, [runId, nodeId ?? null])).rows.map((r) => r.type);
const jobState = async (job: Pick<StepJob, "stepRunId" | "attempt" | "resume">) =>
  (await client.query(`select state from pgboss.job where name = any($1::text[]) and id = $2`, [stepQueues, stepJobId(job)])).rows[0]?.state;
const jobOf = async (runId: string, nodeId: string, resume = false): Promise<StepJob> => {
  const s = await stepRow(runId, nodeId);
  return { runId, stepRunId: s.id, attempt: s.attempt, ...(resume ? { resume } : {}) };
};

describe("engine core, in one transaction", () => {
  it("hands a pure step's success on once: the next step is queued with its job, the run starts, a repeated report is dropped", async () => {
    const workflowId = await publish(linear([{ id: "a", type: "transform", config: { output: { n: 1 } } }, { id: "b", type: "transform", config: { output: { n: 2 } } }], { output: "{{ steps.b.output.n }}" }));
    const { id: runId, status } = await startRun(deps, { workflowId, input: { x: 1 }, actor: "user:test" });
    expect(status).toBe("queued");
    expect((await steps(runId)).map((s) => [s.node_id, s.status])).toEqual([["a", "queued"], ["start", "succeeded"]]);
    const a = await jobOf(runId, "a");
    expect(await jobState(a)).toBe("created");

    const [read] = await readPureSteps(deps.pool, [a]);
    expect(read?.context.input).toEqual({ x: 1 });
    const success = { ...a, from: "queued" as const, output: { n: 1 }, report: { logs: [] }, actor: ACTOR, started: { workerId: WORKER, at: new Date() } };
    expect(await succeed(deps, [success])).toEqual(["applied"]);
    expect(await succeed(deps, [success])).toEqual(["stale"]);
    expect((await runRow(runId)).status).toBe("running");
    expect(await eventTypes(runId, "a")).toEqual(["step.queued", "step.succeeded"]);
    expect((await steps(runId)).filter((s) => s.node_id === "b")).toHaveLength(1);
    expect(await eventTypes(runId)).toEqual(["run.created", "step.succeeded", "step.queued", "step.succeeded", "run.started", "step.queued"]);

    // b is claimed like a step with effects, then the end step finishes the run with its output.
    const b = await jobOf(runId, "b");
    expect(await claimStep(deps.pool, b, WORKER)).not.toBeNull();
    expect(await claimStep(deps.pool, b, WORKER)).toBeNull();
    expect(await succeed(deps, [{ ...b, from: "running", output: { n: 2 }, report: { logs: [{ level: "info", message: "done", at: new Date() }] }, actor: ACTOR }])).toEqual(["applied"]);
    const end = await jobOf(runId, "end");
    expect(await succeed(deps, [{ ...end, from: "queued", output: 2, report: { logs: [] }, actor: ACTOR, started: { workerId: WORKER, at: new Date() } }])).toEqual(["applied"]);
    expect(await runRow(runId)).toMatchObject({ status: "succeeded", output: 2 });
    expect((await client.query(`select count(*)::int as n from step_logs where step_run_id = $1`, [b.stepRunId])).rows[0].n).toBe(1);
  });

  it("batches successes of several runs in one transaction, and a join waits for both branches", async () => {
    const def = definition(
      [{ id: "start", type: "start" }, { id: "l", type: "transform" }, { id: "r", type: "transform" }, { id: "join", type: "end" }],
      [["start", "l"], ["start", "r"], ["l", "join"], ["r", "join"]],
    );
    const workflowId = await publish(def);
    const runs = [await startRun(deps, { workflowId, input: {}, actor: "user:test" }), await startRun(deps, { workflowId, input: {}, actor: "user:test" })];
    const done = (job: StepJob) => ({ ...job, from: "queued" as const, output: null, report: { logs: [] }, actor: ACTOR, started: { workerId: WORKER, at: new Date() } });
    const lefts = await Promise.all(runs.map((r) => jobOf(r.id, "l")));
    expect(await succeed(deps, lefts.map(done))).toEqual(["applied", "applied"]);
    for (const r of runs) expect((await steps(r.id)).map((s) => s.node_id)).not.toContain("join");
    const rights = await Promise.all(runs.map((r) => jobOf(r.id, "r")));
    expect(await succeed(deps, rights.map(done))).toEqual(["applied", "applied"]);
    for (const r of runs) expect((await stepRow(r.id, "join")).status).toBe("queued");
  });

  it("resumes a waiting step from outside once; a second decision is stale", async () => {
    const workflowId = await publish(linear([{ id: "wait", type: "delay", config: { durationMs: 3_600_000 } }, { id: "after", type: "transform" }]));
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const job = await jobOf(runId, "wait");
    await claimStep(deps.pool, job, WORKER);
    const until = new Date(Date.now() + 3_600_000);
    expect(await waitStep(deps, job, { kind: "timer", until, output: { until: until.toISOString() } }, { logs: [] }, ACTOR)).toBe("applied");
    expect((await runRow(runId)).status).toBe("waiting");
    expect(await jobState({ ...job, resume: true })).toBe("created");

    expect(await resumeWait(deps, job, { output: { decided: "yes" } }, "user:ada@example.com")).toBe("applied");
    expect(await resumeWait(deps, job, { output: { decided: "no" } }, "user:bob@example.com")).toBe("stale");
    expect(await stepRow(runId, "wait")).toMatchObject({ status: "succeeded", output: { decided: "yes" } });
    expect((await runRow(runId)).status).toBe("running");
    expect(await eventTypes(runId)).toContain("run.resumed");
    const { rows } = await client.query(`select actor, data from run_events where run_id = $1 and node_id = 'wait' and type = 'step.succeeded'`, [runId]);
    expect(rows).toEqual([{ actor: "user:ada@example.com", data: expect.objectContaining({ resumed: true, resumedBy: "user:ada@example.com" }) }]);
    expect((await stepRow(runId, "after")).status).toBe("queued");
  });

  it("commits a wait's record with the wait, and an outside decision with the run going on, or neither", async () => {
    await client.query(`create temporary table decisions (step_run_id uuid, what text) on commit drop`);
    const workflowId = await publish(linear([{ id: "wait", type: "delay", config: { durationMs: 60_000 } }, { id: "after", type: "transform" }]));
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const job = await jobOf(runId, "wait");
    await claimStep(deps.pool, job, WORKER);
    // A record that fails takes the wait with it: the step is still running.
    const failing = async () => {
      throw new Error("no such approver");
    };
    await expect(waitStep(deps, job, { kind: "approval" }, { logs: [] }, ACTOR, failing)).rejects.toThrow("no such approver");
    expect((await stepRow(runId, "wait")).status).toBe("running");
    const record = async (tx: Sql, w: { stepRunId: string }) => void (await tx.query(`insert into decisions values ($1, 'requested')`, [w.stepRunId]));
    expect(await waitStep(deps, job, { kind: "approval" }, { logs: [] }, ACTOR, record)).toBe("applied");
    expect((await client.query(`select what from decisions`)).rows).toEqual([{ what: "requested" }]);

    // A decision whose own write fails leaves the step waiting; one that commits resumes it.
    await expect(
      transaction(deps.pool, async (tx) => {
        await resumeWaitInTransaction(tx, deps, job, { output: { decision: "approve" } }, "user:ada@example.com");
        throw new Error("the decision could not be recorded");
      }),
    ).rejects.toThrow("could not be recorded");
    expect((await stepRow(runId, "wait")).status).toBe("waiting");
    const outcome = await transaction(deps.pool, async (tx) => {
      await tx.query(`insert into decisions values ($1, 'approved')`, [job.stepRunId]);
      return resumeWaitInTransaction(tx, deps, job, { output: { decision: "approve" } }, "user:ada@example.com");
    });
    expect(outcome).toBe("applied");
    expect(await stepRow(runId, "wait")).toMatchObject({ status: "succeeded", output: { decision: "approve" } });
    expect((await stepRow(runId, "after")).status).toBe("queued");
    expect((await client.query(`select what from decisions order by what`)).rows).toEqual([{ what: "approved" }, { what: "requested" }]);
  });

  it("fails a waiting step from outside without a retry, and the run with it", async () => {
    const workflowId = await publish(linear([{ id: "wait", type: "delay", config: { durationMs: 60_000 }, retry: { maxAttempts: 3 } }]));
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const job = await jobOf(runId, "wait");
    await claimStep(deps.pool, job, WORKER);
    await waitStep(deps, job, { kind: "timer", until: new Date(Date.now() + 60_000) }, { logs: [] }, ACTOR);
    expect(await resumeWait(deps, job, { error: { message: "rejected by ada", code: "rejected" } }, "user:ada@example.com")).toBe("applied");
    expect(await stepRow(runId, "wait")).toMatchObject({ status: "failed", attempt: 1 });
    expect(await runRow(runId)).toMatchObject({ status: "failed", error: { nodeId: "wait", message: "step wait failed: rejected by ada" } });
  });

  it("cancelling a run cancels its queued and waiting steps' jobs, and late reports change nothing", async () => {
    const def = definition(
      [{ id: "start", type: "start" }, { id: "q", type: "http", config: { url: "http://127.0.0.1:9/x" } }, { id: "w", type: "delay", config: { durationMs: 60_000 } }, { id: "end", type: "end" }],
      [["start", "q"], ["start", "w"], ["q", "end"], ["w", "end"]],
    );
    const workflowId = await publish(def);
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const q = await jobOf(runId, "q");
    const w = await jobOf(runId, "w");
    await claimStep(deps.pool, w, WORKER);
    await waitStep(deps, w, { kind: "timer", until: new Date(Date.now() + 60_000) }, { logs: [] }, ACTOR);

    await cancelRun(deps, runId, "user:test");
    expect(await runRow(runId)).toMatchObject({ status: "cancelled" });
    expect(await jobState(q)).toBe("cancelled");
    expect(await jobState({ ...w, resume: true })).toBe("cancelled");
    expect(await resumeWait(deps, w, { output: 1 }, "user:test")).toBe("stale");
    expect(await claimStep(deps.pool, q, WORKER)).toBeNull();
    expect((await steps(runId)).map((s) => [s.node_id, s.status])).toEqual([["q", "cancelled"], ["start", "succeeded"], ["w", "cancelled"]]);
  });

  it("schedules a retry as a delayed job of the next attempt, then fails the run when attempts run out", async () => {
    const workflowId = await publish(linear([{ id: "call", type: "http", config: { url: "http://127.0.0.1:9/x" }, retry: { maxAttempts: 2, initialDelayMs: 1000 } }]));
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const first = await jobOf(runId, "call");
    await claimStep(deps.pool, first, WORKER);
    expect(await failStep(deps, first, new Error("boom"), { logs: [] }, ACTOR)).toBe("applied");
    expect(await stepRow(runId, "call")).toMatchObject({ status: "retry_scheduled", attempt: 2 });
    const second = await jobOf(runId, "call");
    expect(await jobState(second)).toBe("created");
    await claimStep(deps.pool, second, WORKER);
    expect(await failStep(deps, second, new NonRetryableError("still broken"), { logs: [] }, ACTOR)).toBe("applied");
    expect(await failStep(deps, second, new NonRetryableError("again"), { logs: [] }, ACTOR)).toBe("stale");
    expect((await runRow(runId)).status).toBe("failed");
    expect(await eventTypes(runId, "call")).toEqual(["step.queued", "step.started", "step.retry_scheduled", "step.started", "step.failed", "step.dead_lettered"]);
  });

  it("lets an operator skip a failed run's last failed step, and the run succeeds", async () => {
    const def = definition(
      [{ id: "start", type: "start" }, { id: "notify", type: "http", config: { url: "http://127.0.0.1:9/x" } }, { id: "end", type: "end", config: { output: "done" } }],
      [["start", "notify"], ["start", "end"]],
    );
    const workflowId = await publish(def);
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const end = await jobOf(runId, "end");
    await succeed(deps, [{ ...end, from: "queued", output: "done", report: { logs: [] }, actor: ACTOR, started: { workerId: WORKER, at: new Date() } }]);
    const notify = await jobOf(runId, "notify");
    await claimStep(deps.pool, notify, WORKER);
    await failStep(deps, notify, new NonRetryableError("refused"), { logs: [] }, ACTOR);
    expect((await runRow(runId)).status).toBe("failed");
    await skipStep(deps, runId, "notify", { output: null }, "user:operator");
    expect(await runRow(runId)).toMatchObject({ status: "succeeded", output: "done" });
  });

  it("treats a wait for the outside world as healthy: no resume job, never re-sent, not stuck without a deadline", async () => {
    const workflowId = await publish(linear([{ id: "timer", type: "delay", config: { durationMs: 1000 } }, { id: "decide", type: "delay", config: { durationMs: 1000 } }]));
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const timer = await jobOf(runId, "timer");
    await claimStep(deps.pool, timer, WORKER);
    await waitStep(deps, timer, { kind: "timer", until: new Date(Date.now() + 1000) }, { logs: [] }, ACTOR);
    await succeed(deps, [{ ...timer, from: "waiting", report: { logs: [] }, actor: ACTOR }]);
    // The engine takes the kind as given (the worker checks it against the step type).
    const decide = await jobOf(runId, "decide");
    await claimStep(deps.pool, decide, WORKER);
    await waitStep(deps, decide, { kind: "approval" }, { logs: [] }, ACTOR);
    expect(await jobState({ ...decide, resume: true })).toBeUndefined();
    expect((await client.query(`select wait_kind from step_runs where id = $1`, [decide.stepRunId])).rows[0].wait_kind).toBe("approval");

    // An hour later: the sweeper sends nothing for it, and the run is not stuck.
    await client.query(`update step_runs set started_at = now() - interval '1 hour' where id = $1`, [decide.stepRunId]);
    expect(await sweep(deps)).toMatchObject({ resent: 0 });
    const stuck = async () => (await client.query(`select x.* from runs r cross join lateral (${stuckStepsSql("$2")}) x where r.id = $1`, [runId, 300])).rows;
    expect(await stuck()).toEqual([]);
    // With a deadline long past, it is.
    await client.query(`update step_runs set wait_until = now() - interval '10 minutes' where id = $1`, [decide.stepRunId]);
    expect(await stuck()).toEqual([expect.objectContaining({ node_id: "decide", kind: "waiting" })]);
    expect(await sweep(deps)).toMatchObject({ resent: 0 });

    // A timer wait whose job was lost is sent again.
    await client.query(`update step_runs set wait_kind = 'timer' where id = $1`, [decide.stepRunId]);
    expect(await sweep(deps)).toMatchObject({ resent: 1 });
    expect(await eventTypes(runId, "decide")).toContain("step.job_resent");
  });

  it("sends a job once however often it is sent (its id is its key)", async () => {
    const workflowId = await publish(linear([{ id: "a", type: "transform" }]));
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const a = { ...(await jobOf(runId, "a")), pure: true }; // a transform: the pure steps' queue
    await enqueue(deps, client, [a, a]);
    await enqueue(deps, client, [a]);
    const { rows } = await client.query(`select count(*)::int as n from pgboss.job where name = any($1::text[]) and data->>'stepRunId' = $2`, [stepQueues, a.stepRunId]);
    expect(rows[0].n).toBe(1);
  });

  it("refuses a run status change the transition table does not allow, and writes nothing", async () => {
    const workflowId = await publish(linear([]));
    const { id: runId } = await startRun(deps, { workflowId, input: {}, actor: "user:test" });
    const end = await jobOf(runId, "end");
    await succeed(deps, [{ ...end, from: "queued", output: null, report: { logs: [] }, actor: ACTOR, started: { workerId: WORKER, at: new Date() } }]);
    const run = (await lockRun(client, runId))!;
    expect(run.status).toBe("succeeded");
    await expect(setRunStatus(client, run, "running", "user:test")).rejects.toBeInstanceOf(IllegalTransition);
    expect((await runRow(runId)).status).toBe("succeeded");
    expect(await eventTypes(runId)).not.toContain("run.reopened");
  });
});
