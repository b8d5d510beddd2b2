// The Database step on a real worker and Postgres: parameters bound (an injection stays data),
// a statement timeout, read-only transactions, a row limit, and Baton's own database out of reach
// (the app database's role cannot connect to it; a credential pointing at it is refused).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";

let engine: Engine;
let appUrl: string;

beforeAll(async () => {
  engine = await startEngine();
  // The app database of the test run (tests/setup/global.ts); this file's Baton database is
  // closed to it, as the launcher closes Baton's.
  appUrl = process.env.BATON_TEST_APP_DATABASE_URL!;
  await engine.db.pool.query(`revoke connect on database ${engine.db.name} from public`);
});
afterAll(async () => {
  await engine?.stop();
});

const sqlStep = (id: string, config: Record<string, unknown>) => ({ id, type: "database", config });

async function run(nodes: ReturnType<typeof sqlStep>[], input: unknown = {}, end: Record<string, unknown> = {}) {
  const admin = await engine.as("admin");
  const id = await publish(admin, linear(nodes, end), `db ${Math.random()}`);
  return waitForRun(admin, await runWorkflow(admin, id, input));
}

describe("the Database step", () => {
  it("binds parameters from templates, so an injection is stored as text, and returns rows", async () => {
    const hostile = "x'); drop table receipts; --";
    const result = await run(
      [
        sqlStep("create", { sql: "create table if not exists receipts (id serial primary key, who text not null, amount numeric not null)" }),
        sqlStep("insert", { sql: "insert into receipts (who, amount) values ($1, $2) returning id", params: ["{{ input.who }}", "{{ input.amount }}"] }),
        sqlStep("read", { sql: "select who, amount::float as amount from receipts where id = $1", params: ["{{ steps.insert.output.rows[0].id }}"], readOnly: true }),
      ],
      { who: hostile, amount: 12.5 },
      { output: "{{ steps.read.output }}" },
    );
    expect(result).toMatchObject({ status: "succeeded", output: { rows: [{ who: hostile, amount: 12.5 }], rowCount: 1 } });
    expect(stepOf(result, "insert").output).toMatchObject({ rowCount: 1, rows: [{ id: expect.any(Number) }] });
    const again = await run([sqlStep("count", { sql: "select count(*)::int as n from receipts" })], {}, { output: "{{ steps.count.output.rows[0].n }}" });
    expect(again.output).toBeGreaterThanOrEqual(1);
  });

  it("cancels a statement past its timeout and refuses a write in a read-only step, without retrying", async () => {
    const slow = await run([sqlStep("slow", { sql: "select pg_sleep(5)", timeoutMs: 200 })]);
    expect(stepOf(slow, "slow")).toMatchObject({ status: "failed", attempt: 1, error: { message: "the statement ran past 200 ms and was cancelled", code: "sqlstate_57014" } });
    const write = await run([sqlStep("write", { sql: "create table nope (id int)", readOnly: true })]);
    expect(stepOf(write, "write")).toMatchObject({ status: "failed", attempt: 1, error: { code: "sqlstate_25006" } });
  });

  it("reads at most maxRows rows, even from a query that would return millions, and says it dropped some", async () => {
    // Fifty million rows would take the worker minutes and gigabytes if they were all fetched.
    const many = await run([sqlStep("many", { sql: "select generate_series(1, 50000000) as n", maxRows: 10 })]);
    expect(stepOf(many, "many").output).toEqual({ rows: Array.from({ length: 10 }, (_, i) => ({ n: i + 1 })), rowCount: 10, truncated: true });
    const exact = await run([sqlStep("exact", { sql: "select n from generate_series(1, 10) n", maxRows: 10 })]);
    expect(stepOf(exact, "exact").output).toEqual({ rows: Array.from({ length: 10 }, (_, i) => ({ n: i + 1 })), rowCount: 10 });
  });

  it("cannot reach Baton's own database: not from the app database, not through a credential", async () => {
    const own = await run([sqlStep("peek", { sql: "select count(*) from runs" })]);
    expect(stepOf(own, "peek")).toMatchObject({ status: "failed", error: { message: expect.stringContaining('relation "runs" does not exist') } });
    // The app role may not even connect to it.
    const direct = new pg.Client({ connectionString: Object.assign(new URL(appUrl), { pathname: `/${engine.db.name}` }).toString() });
    await expect(direct.connect()).rejects.toThrow(/permission denied for database/);
    await direct.end().catch(() => {});

    const admin = await engine.as("admin");
    expect((await admin.post("/credentials", { name: "BATON_DB", kind: "postgres", value: engine.db.url })).status).toBe(201);
    const flow = definition([{ id: "start", type: "start" }, sqlStep("steal", { credential: "BATON_DB", sql: "select email, password_hash from users" }), { id: "end", type: "end" }], [
      ["start", "steal"],
      ["steal", "end"],
    ]);
    const stolen = await waitForRun(admin, await runWorkflow(admin, await publish(admin, flow, "Steal")));
    expect(stolen.status).toBe("failed");
    expect(stepOf(stolen, "steal").error.message).toContain("Baton's own database is never reachable from workflows");
    expect(JSON.stringify(stolen)).not.toContain("password_hash\":\"$argon2");
  });
});
