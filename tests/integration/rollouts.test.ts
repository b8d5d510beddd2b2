// Canary rollouts of workflow versions: a share of new runs on a canary (sticky per key, or
// random), each run recording its version and why, the comparison of the versions, promote and
// roll back (runs already started keep their version), an automatic rollback of a failing
// canary by the worker's sweeper, and the requests that must be refused.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linear, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";
import type { Client } from "../helpers/http.ts";

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine({ workers: 2 });
});
afterAll(async () => {
  await engine?.stop();
});

/** A workflow with versions 1 (stable) and 2 (its end says "v2"); v2 published as a canary when asked. */
async function twoVersions(editor: Client, second: unknown = linear([], { output: "v2" }), canary?: Record<string, unknown>) {
  const created = await editor.post("/workflows", { name: "priced", definition: linear([], { output: "v1" }) });
  expect((await editor.post(`/workflows/${created.json.id}/versions`, {})).status).toBe(201);
  await editor.put(`/workflows/${created.json.id}/draft`, { definition: second });
  const published = await editor.post(`/workflows/${created.json.id}/versions`, canary ? { note: "canary", canary } : {});
  expect(published.status).toBe(201);
  return created.json.id as string;
}

const byVersion = async (workflowId: string) =>
  (await engine.db.pool.query(`select version_number as v, version_reason as reason, count(*)::int as n from runs where workflow_id = $1 group by 1, 2 order by 1`, [workflowId])).rows;

async function startMany(client: Client, workflowId: string, inputs: unknown[], concurrency = 16): Promise<string[]> {
  const ids: string[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < inputs.length) {
        const i = next++;
        ids[i] = await runWorkflow(client, workflowId, inputs[i]);
      }
    }),
  );
  return ids;
}

it("puts 30 % of 1,000 runs on the canary, sticky per customer, and records each run's version and why", async () => {
  const editor = await engine.as("editor");
  const workflowId = await twoVersions(editor, undefined, { weight: 30, stickyKey: "{{ input.customerId }}" });
  const workflow = (await editor.get(`/workflows/${workflowId}`)).json;
  expect(workflow.activeVersion).toBe(1);
  expect(workflow.rollout).toMatchObject({ versions: [{ version: 2, weight: 30 }], stickyKey: "{{ input.customerId }}", startedBy: expect.stringContaining("editor") });

  const customers = Array.from({ length: 1000 }, (_, i) => ({ customerId: `cust-${i}` }));
  const ids = await startMany(editor, workflowId, customers);
  const rows = await byVersion(workflowId);
  const canary = rows.find((r) => r.v === 2)?.n ?? 0;
  expect(rows.map((r) => [r.v, r.reason])).toEqual([[1, "stable"], [2, "canary"]]);
  expect(canary).toBeGreaterThanOrEqual(250);
  expect(canary).toBeLessThanOrEqual(350);

  // The same customers again: each lands where it landed before.
  const first = await engine.db.pool.query(`select input->>'customerId' as c, version_number as v from runs where id = any($1::uuid[])`, [ids.slice(0, 100)]);
  const again = await startMany(editor, workflowId, customers.slice(0, 100));
  const second = await engine.db.pool.query(`select input->>'customerId' as c, version_number as v from runs where id = any($1::uuid[])`, [again]);
  const before = new Map(first.rows.map((r) => [r.c, r.v]));
  expect(second.rows.every((r) => before.get(r.c) === r.v)).toBe(true);

  // Each run says which version it ran and why; the run's first event too.
  const one = await waitForRun(editor, ids.find((_, i) => before.get(`cust-${i}`) === 2)!);
  expect(one).toMatchObject({ version: 2, versionReason: "canary", output: "v2" });
  const created = await engine.db.pool.query(`select data from run_events where run_id = $1 and type = 'run.created'`, [one.id]);
  expect(created.rows[0].data).toMatchObject({ version: 2, versionReason: "canary", rolloutBucket: expect.any(Number) });
  // A caller naming a version gets it, pinned.
  const pinned = await editor.post(`/workflows/${workflowId}/runs`, { input: { customerId: "cust-1" }, version: 2 });
  expect((await waitForRun(editor, pinned.json.id)).versionReason).toBe("pinned");

  // The comparison counts both sides since the rollout began.
  const rollout = (await editor.get(`/workflows/${workflowId}/rollout`)).json;
  expect(rollout.stats.map((s: { version: number; role: string; weight: number }) => [s.version, s.role, s.weight])).toEqual([[1, "stable", 70], [2, "canary", 30]]);
  expect(rollout.stats.reduce((sum: number, s: { runs: number }) => sum + s.runs, 0)).toBe(1101);
  // 1,100 runs started through the API: about 20 s alone, longer beside the rest of the suite.
}, 300_000);

it("promotes a canary for everyone, rolls one back with started runs keeping their version, and refuses what cannot be", async () => {
  const editor = await engine.as("editor");
  const operator = await engine.as("operator");
  const viewer = await engine.as("viewer");
  const workflowId = await twoVersions(editor, linear([{ id: "slow", type: "delay", config: { durationMs: 1500 } }], { output: "v2" }));
  // v2 is active now (published without a canary); v1 becomes the canary of a rollback drill.
  const refusals = [
    [await viewer.put(`/workflows/${workflowId}/rollout`, { versions: [{ version: 1, weight: 50 }] }), 403],
    [await editor.put(`/workflows/${workflowId}/rollout`, { versions: [{ version: 2, weight: 50 }] }), 422],
    [await editor.put(`/workflows/${workflowId}/rollout`, { versions: [{ version: 9, weight: 50 }] }), 422],
    [await editor.put(`/workflows/${workflowId}/rollout`, { versions: [{ version: 1, weight: 0 }] }), 422],
    [await editor.put(`/workflows/${workflowId}/rollout`, { versions: [{ version: 1, weight: 50 }], stickyKey: "customerId" }), 422],
    [await editor.post(`/workflows/${workflowId}/rollout/promote`, {}), 409],
  ] as const;
  expect(refusals.map(([res]) => res.status)).toEqual(refusals.map(([, status]) => status));
  expect(refusals[1][0].json.errors).toEqual([{ path: "versions.0.version", message: "Version 2 is the active version; a canary is another one." }]);
  expect(refusals[2][0].json.errors).toEqual([{ path: "versions.0.version", message: "Version 9 does not exist." }]);
  expect(refusals[3][0].json.errors[0].path).toBe("versions.0.weight");
  expect((await editor.get(`/workflows/${workflowId}`)).json.rollout).toBe(null);

  // Everyone on the canary (100 %), at random; roll back while those runs wait in their delay.
  const v3 = await editor.put(`/workflows/${workflowId}/draft`, { definition: linear([{ id: "slow", type: "delay", config: { durationMs: 1500 } }], { output: "v3" }) });
  expect(v3.status).toBe(200);
  expect((await editor.post(`/workflows/${workflowId}/versions`, { canary: { weight: 100 } })).status).toBe(201);
  const during = await startMany(editor, workflowId, [{}, {}, {}]);
  expect((await operator.post(`/workflows/${workflowId}/rollout/rollback`, { reason: "latency doubled" })).status).toBe(200);
  const after = await waitForRun(editor, await runWorkflow(editor, workflowId, {}));
  expect(after).toMatchObject({ version: 2, versionReason: "stable", output: "v2" });
  for (const id of during) expect(await waitForRun(editor, id)).toMatchObject({ version: 3, versionReason: "canary", output: "v3", status: "succeeded" });

  // Again, promoted this time: v3 becomes the active version.
  expect((await editor.put(`/workflows/${workflowId}/rollout`, { versions: [{ version: 3, weight: 10 }] })).status).toBe(200);
  const promoted = await editor.post(`/workflows/${workflowId}/rollout/promote`, { note: "looks good" });
  expect(promoted.json).toEqual({ active: 3, rollout: null });
  expect((await waitForRun(editor, await runWorkflow(editor, workflowId, {}))).version).toBe(3);
  const audit = await engine.db.pool.query(`select action, data from audit_entries where target_type = 'workflow' and target_id = $1 and action like 'workflow.rollout%' order by id`, [workflowId]);
  expect(audit.rows.map((r) => r.action)).toEqual(["workflow.rollout_started", "workflow.rollout_rolled_back", "workflow.rollout_started", "workflow.rollout_promoted"]);
  expect(audit.rows[1].data).toMatchObject({ reason: "latency doubled", stable: 2, canaries: [{ version: 3, weight: 100 }] });
  expect(audit.rows[3].data).toMatchObject({ from: 2, to: 3, note: "looks good" });
  // An idempotent retry is the same run, whichever version a rollout would pick now.
  const key = { "Idempotency-Key": "order-77" };
  const a = await editor.post(`/workflows/${workflowId}/runs`, { input: { n: 1 } }, { headers: key });
  const b = await editor.post(`/workflows/${workflowId}/runs`, { input: { n: 1 } }, { headers: key });
  expect(b.json.id).toBe(a.json.id);
});

it("rolls a failing canary back by itself, saying why", async () => {
  const editor = await engine.as("editor");
  const failing = linear([{ id: "price", type: "transform", config: { output: '{{ input.fail ? $error("pricing service rejected the order") : "ok" }}' } }], { output: "v2" });
  const workflowId = await twoVersions(editor, failing, { weight: 50, autoRollback: { margin: 20, minRuns: 6 } });
  const ids = await startMany(editor, workflowId, Array.from({ length: 40 }, () => ({ fail: true })), 4);
  await Promise.all(ids.map((id) => waitForRun(editor, id)));
  const rolledBack = await waitFor("the automatic rollback", async () => {
    const rollout = (await editor.get(`/workflows/${workflowId}/rollout`)).json;
    return rollout.rollout === null ? rollout : undefined;
  });
  const entry = rolledBack.history.find((h: { action: string }) => h.action === "workflow.rollout_rolled_back");
  expect(entry.actor).toBe("system:auto-rollback");
  expect(entry.data.reason).toMatch(/^canary v2 failed 100 % of \d+ runs; stable v1 0 % of \d+: over the margin of 20 points$/);
  expect(entry.data.automatic.rule).toEqual({ margin: 20, minRuns: 6 });
  // From here on, everyone runs the stable version.
  expect((await waitForRun(editor, await runWorkflow(editor, workflowId, { fail: true }))).version).toBe(1);
});
