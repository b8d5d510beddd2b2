// Faults: a worker killed with SIGKILL mid-load, Postgres restarted mid-load, a worker stopped
// with SIGTERM while steps run. No run is lost, and no step's completion is applied twice.
import { mkdtemp, rm, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { linear, publish, startEngine, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { startWeb, startWorker, waitFor } from "../helpers/processes.ts";
import { Client } from "../helpers/http.ts";
import { createRoleUsers, emailFor, PASSWORD } from "../helpers/fixtures.ts";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { ensureDatabase } from "../../scripts/lib/database.ts";
import { withDatabase } from "../../lib/db/url.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { createDb } from "../../lib/db.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.on("/work", async (req, _n, res) => {
    const ms = Number(new URL(req.url, "http://x").searchParams.get("ms") ?? 20);
    await new Promise((r) => setTimeout(r, ms));
    json(res, 200, { ok: true });
  });
  server.on("/slow", async (_req, _n, res) => {
    await new Promise((r) => setTimeout(r, 1500));
    json(res, 200, { ok: true });
  });
  server.on("/slower", async (_req, _n, res) => {
    await new Promise((r) => setTimeout(r, 5000));
    json(res, 200, { ok: true });
  });
});
afterAll(() => server?.close());

/** start → four HTTP calls → end: five steps that do I/O, one per job. */
const fiveSteps = (path = "/work") =>
  linear(["a", "b", "c", "d"].map((id) => ({ id, type: "http", config: { url: `${server.url}${path}` } })));

async function startRuns(client: Client, workflowId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async () => (await client.post(`/workflows/${workflowId}/runs`, { input: {} })).json.id as string),
    );
    ids.push(...batch);
  }
  return ids;
}

async function waitAllFinished(sql: pg.Pool, runIds: string[], timeoutMs = 120_000) {
  return waitFor(
    `${runIds.length} runs to finish`,
    async () => {
      const { rows } = await sql.query(`select status, count(*)::int as n from runs where id = any($1::uuid[]) group by status`, [runIds]);
      const open = rows.filter((r) => !["succeeded", "failed", "cancelled"].includes(r.status)).reduce((a, r) => a + r.n, 0);
      return open === 0 ? Object.fromEntries(rows.map((r) => [r.status, r.n])) : undefined;
    },
    timeoutMs,
    250,
  );
}

/** No step completed twice: one success event and one succeeded attempt per step run. */
async function expectNoDoubleCompletion(sql: pg.Pool, runIds: string[]) {
  const { rows: doubles } = await sql.query(
    `select step_run_id, count(*)::int from run_events where run_id = any($1::uuid[]) and type = 'step.succeeded' group by step_run_id having count(*) > 1`,
    [runIds],
  );
  expect(doubles).toEqual([]);
  const { rows: attempts } = await sql.query(
    `select a.step_run_id, count(*)::int from step_attempts a join step_runs s on s.id = a.step_run_id
      where s.run_id = any($1::uuid[]) and a.status = 'succeeded' group by a.step_run_id having count(*) > 1`,
    [runIds],
  );
  expect(attempts).toEqual([]);
  const { rows: steps } = await sql.query(
    `select count(*)::int as n, count(*) filter (where status = 'succeeded')::int as ok from step_runs where run_id = any($1::uuid[])`,
    [runIds],
  );
  expect(steps[0]).toEqual({ n: runIds.length * 6, ok: runIds.length * 6 });
}

describe("a worker killed with SIGKILL mid-load", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine({ workers: 1 });
  });
  afterAll(() => engine?.stop());

  it("loses no run: another worker takes over the crashed attempts", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, fiveSteps());
    const runIds = await startRuns(editor, id, 200);
    const [victim] = engine.workers;
    await waitFor("a quarter of the steps to finish", async () => {
      const { rows } = await engine.db.pool.query(`select count(*)::int as n from step_runs where status = 'succeeded' and type = 'http'`);
      return rows[0].n >= 200;
    });
    const { rows: running } = await engine.db.pool.query(`select count(*)::int as n from step_runs where status = 'running'`);
    victim.kill("SIGKILL");
    await victim.exited;
    expect(running[0].n).toBeGreaterThan(0);

    await engine.addWorker();
    expect(await waitAllFinished(engine.db.pool, runIds)).toEqual({ succeeded: 200 });
    await expectNoDoubleCompletion(engine.db.pool, runIds);
    const { rows: crashed } = await engine.db.pool.query(
      `select count(*)::int as n from step_attempts where status = 'crashed' and error->>'code' = 'worker_lost'`,
    );
    expect(crashed[0].n).toBeGreaterThan(0);
    // Re-executed calls carried the same Idempotency-Key as the lost attempt.
    const keys = server.calls("/work").map((r) => r.headers["idempotency-key"]);
    expect(new Set(keys).size).toBe(runIds.length * 4);
  }, 180_000);
});

describe("Postgres restarted mid-load", () => {
  it("the worker reconnects and every run finishes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baton-restart-"));
    await chmod(dir, 0o755);
    const postgres = await startEmbeddedPostgres({ dataDir: dir, port: 0, ephemeral: true });
    let restarted: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    const url = withDatabase(postgres.url, "baton");
    await ensureDatabase(postgres.url, "baton");
    await applyMigrations(url);
    const handles = createDb(url, 3);
    await createRoleUsers(handles.prisma);
    const web = await startWeb(url);
    const worker = await startWorker(url, { PORT: new URL(web.url).port });
    try {
      const editor = await new Client(web.url).login(emailFor("editor"), PASSWORD);
      const id = await publish(editor, fiveSteps("/work?ms=50"));
      const runIds = await startRuns(editor, id, 60);
      await waitFor("some steps to finish", async () => (await handles.pool.query(`select count(*)::int as n from step_runs where status = 'succeeded' and type = 'http'`)).rows[0].n >= 40);

      await postgres.stop();
      await new Promise((r) => setTimeout(r, 1500));
      restarted = await startEmbeddedPostgres({ dataDir: dir, port: postgres.port, ephemeral: true });

      expect(await waitAllFinished(handles.pool, runIds, 150_000)).toEqual({ succeeded: 60 });
      await expectNoDoubleCompletion(handles.pool, runIds);
      expect(worker.child.exitCode).toBeNull();
      expect(worker.output()).toMatch(/database unreachable|could not renew|idle database connection lost|pg-boss error|failed/i);
    } finally {
      await worker.stop();
      await web.stop();
      await handles.close();
      await (restarted ?? postgres).stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe("SIGTERM with steps in flight", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine({ workers: 0 });
  });
  afterAll(() => engine?.stop());

  it("lets running steps finish within the grace period", async () => {
    const worker = await engine.addWorker();
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "slow", type: "http", config: { url: `${server.url}/slow` } }]));
    const runIds = await startRuns(editor, id, 5);
    await waitFor("the slow steps to run", async () => (await engine.db.pool.query(`select count(*)::int as n from step_runs where status = 'running' and run_id = any($1::uuid[])`, [runIds])).rows[0].n === 5);
    expect(await worker.stop()).toBe(0);
    // The attempts completed before the worker exited; the ends wait for the next worker.
    const { rows } = await engine.db.pool.query(
      `select a.status, count(*)::int as n from step_attempts a join step_runs s on s.id = a.step_run_id where s.run_id = any($1::uuid[]) and s.node_id = 'slow' group by a.status`,
      [runIds],
    );
    expect(rows).toEqual([{ status: "succeeded", n: 5 }]);
    const next = await engine.addWorker();
    expect(await waitAllFinished(engine.db.pool, runIds)).toEqual({ succeeded: 5 });
    await next.stop();
  });

  it("hands steps still running after the grace period to the next worker", async () => {
    const worker = await engine.addWorker({ WORKER_SHUTDOWN_GRACE_MS: "300" });
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "slower", type: "http", config: { url: `${server.url}/slower` } }]));
    const runIds = await startRuns(editor, id, 3);
    await waitFor("the slower steps to run", async () => (await engine.db.pool.query(`select count(*)::int as n from step_runs where status = 'running' and run_id = any($1::uuid[])`, [runIds])).rows[0].n === 3);
    expect(await worker.stop()).toBe(0);
    const { rows: interrupted } = await engine.db.pool.query(
      `select s.status, s.attempt, s.max_attempts, a.status as attempt_status from step_runs s join step_attempts a on a.step_run_id = s.id and a.attempt = 1
        where s.run_id = any($1::uuid[]) and s.node_id = 'slower'`,
      [runIds],
    );
    expect(interrupted).toEqual(Array(3).fill({ status: "queued", attempt: 2, max_attempts: 4, attempt_status: "interrupted" }));
    await engine.addWorker();
    expect(await waitAllFinished(engine.db.pool, runIds)).toEqual({ succeeded: 3 });
  }, 120_000);
});
