// The worker process: pg-boss schema, heartbeat row, graceful stop.
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { launchWorker, startWorker, waitFor } from "../helpers/processes.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db?.close());

it("creates the pg-boss schema, heartbeats, and records a graceful stop", async () => {
  const worker = await startWorker(db.url);
  const { rows: boss } = await db.pool.query(`select to_regclass('pgboss.job') is not null as installed`);
  expect(boss[0].installed).toBe(true);

  const row = await waitFor("heartbeat row", async () => (await db.pool.query(`select * from workers where pid = $1`, [worker.child.pid])).rows[0]);
  expect(row).toMatchObject({ stopped_at: null, concurrency: 20 });

  // A beat moves heartbeat_at forward.
  await waitFor(
    "a second heartbeat",
    async () => (await db.pool.query(`select heartbeat_at from workers where id = $1`, [row.id])).rows[0].heartbeat_at > row.heartbeat_at,
    15_000,
  );

  expect(await worker.stop()).toBe(0);
  const after = (await db.pool.query(`select stopped_at from workers where id = $1`, [row.id])).rows[0];
  expect(after.stopped_at).not.toBeNull();
  expect(worker.output()).toContain('"worker stopped"');
});

it("waits for pending migrations before it starts", async () => {
  const behind = await freshDatabase();
  // Hide the migration records: to the worker, every migration is now pending.
  const { rows } = await behind.pool.query(`delete from _prisma_migrations returning *`);
  const worker = launchWorker(behind.url);
  try {
    await waitFor("the waiting message", () => worker.output().includes("waiting for database migrations"));
    expect(worker.output()).not.toContain('"worker started"');
    for (const r of rows) {
      await behind.pool.query(
        `insert into _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) values ($1, $2, $3, $4, $5, $6)`,
        [r.id, r.checksum, r.finished_at, r.migration_name, r.started_at, r.applied_steps_count],
      );
    }
    await waitFor("worker start", () => worker.output().includes('"worker started"'), 30_000);
  } finally {
    await worker.stop();
    await behind.close();
  }
});
