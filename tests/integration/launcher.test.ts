// `npm start` as a user runs it: embedded Postgres, web, worker, a clean stop, data that
// survives a restart, a crash that is reported, and a bad setting that stops start-up.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/embedded-postgres.ts";
import { freshDatabase } from "../helpers/db.ts";
import { alive, waitFor } from "../helpers/processes.ts";
import { Client } from "../helpers/http.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function launch(env: Record<string, string>) {
  const { DATABASE_URL: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ["scripts/start.ts"], {
    env: { ...inherited, LOG_FORMAT: "json", BATON_PROCESS: "launcher", WORKER_SHUTDOWN_GRACE_MS: "2000", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, exited, output: () => output };
}

async function healthy(port: number) {
  return waitFor(`health on ${port}`, async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(() => undefined);
    return res?.status === 200 ? res.json() : undefined;
  }, 120_000, 250);
}

const workerPid = (output: string) => Number(/"workerId":"[^:]+:(\d+):/.exec(output)?.[1]);
/** Every worker process started so far, in order (from their "worker started" lines). */
const workerPids = (output: string) => [...output.matchAll(/"workerId":"[^:]+:(\d+):[^"]*"[^\n]*"worker started"/g)].map((m) => Number(m[1]));

describe("npm start", () => {
  it("runs everything on an embedded Postgres, stops cleanly on SIGTERM and keeps data across restarts", async () => {
    // A private (0700) parent folder, as `mktemp -d` makes for a fresh clone.
    const dir = await mkdtemp(join(tmpdir(), "baton-launch-"));
    dirs.push(dir);
    await chmod(dir, 0o700);
    const env = { BATON_DATA_DIR: join(dir, ".data"), BATON_PG_PORT: String(await freePort()), PORT: String(await freePort()) };

    const first = launch(env);
    await healthy(Number(env.PORT));
    await waitFor("ready banner", () => first.output().includes("password:"), 30_000);
    const password = /password: (\S+)/.exec(first.output())![1];
    expect(first.output()).toContain("embedded Postgres ready");
    // The database's log can hold statements and their values: its owner's alone.
    expect((await stat(join(env.BATON_DATA_DIR, "postgres", "postgres.log"))).mode & 0o077).toBe(0);
    // So is the key that encrypts credentials, generated at first start (no BATON_SECRET_KEY here).
    expect((await stat(join(env.BATON_DATA_DIR, "secret-keys.json"))).mode & 0o077).toBe(0);
    const health = await waitFor("a live worker", async () => {
      const h = await (await fetch(`http://127.0.0.1:${env.PORT}/api/v1/health`)).json();
      return h.workers.alive === 1 ? h : undefined;
    });
    expect(health).toMatchObject({ status: "ok", migrations: { pending: [] } });
    const admin = await new Client(`http://127.0.0.1:${env.PORT}`).login("admin@baton.local", password);
    expect((await admin.get("/workflows")).json.workflows.map((w: { name: string }) => w.name).sort()).toEqual([
      "Book a trip (example)",
      "Expense approval (example)",
      "Flaky HTTP call (example)",
      "Order routing (example)",
    ]);
    // The demo approver's password is shown in the same box, once.
    const approverPassword = [...first.output().matchAll(/password: (\S+)/g)][1][1];
    expect((await (await new Client(`http://127.0.0.1:${env.PORT}`).login("approver@baton.local", approverPassword)).get("/me")).json.role).toBe("approver");

    const worker = workerPid(first.output());
    expect(alive(worker)).toBe(true);
    process.kill(-first.child.pid!, "SIGTERM");
    expect(await first.exited).toBe(0);
    expect(alive(worker)).toBe(false);
    expect(await fetch(`http://127.0.0.1:${env.PORT}/api/v1/health`).then(() => "answered", () => "closed")).toBe("closed");
    expect(existsSync(join(env.BATON_DATA_DIR, "postgres", "pg", "postmaster.pid"))).toBe(false);

    const second = launch(env);
    await healthy(Number(env.PORT));
    await new Client(`http://127.0.0.1:${env.PORT}`).login("admin@baton.local", password);
    expect(second.output()).not.toContain("password:");
    process.kill(-second.child.pid!, "SIGTERM");
    expect(await second.exited).toBe(0);
  }, 240_000); // starts the whole product (twice in the first): slow on a loaded machine

  it("uses DATABASE_URL without starting a database, and stops after repeated crashes of a process", async () => {
    const db = await freshDatabase();
    const port = await freePort();
    const run = launch({ DATABASE_URL: db.url, PORT: String(port), BATON_ADMIN_EMAIL: "ops@test.local", BATON_ADMIN_PASSWORD: "a password from the environment" });
    await healthy(port);
    expect(run.output()).not.toContain("embedded Postgres");
    await new Client(`http://127.0.0.1:${port}`).login("ops@test.local", "a password from the environment");

    // Each crash is restarted (after 1, 2, 4, 8 s); the fifth within five minutes stops Baton.
    for (let crash = 1; crash <= 5; crash++) {
      const pid = await waitFor(`worker number ${crash}`, () => workerPids(run.output())[crash - 1]);
      process.kill(pid, "SIGKILL");
      if (crash < 5) await waitFor(`restart ${crash}`, () => workerPids(run.output()).length > crash, 30_000, 200);
    }
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("worker crashed 5 times within 5 min");
    expect(await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(() => "answered", () => "closed")).toBe("closed");
    const { rows } = await db.pool.query(`select process, event, signal from process_events order by id`);
    expect(rows.filter((r) => r.event === "crashed")).toHaveLength(5);
    expect(rows.filter((r) => r.event === "restarted")).toHaveLength(4);
    expect(rows.at(-1)).toEqual({ process: "worker", event: "gave_up", signal: "SIGKILL" });
    await db.close();
  }, 240_000); // starts the whole product (twice in the first): slow on a loaded machine

  it("stops at once on an invalid setting, naming the variable", async () => {
    const run = launch({ PORT: "eighty", WORKER_CONCURRENCY: "0" });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("PORT:");
    expect(run.output()).toContain("WORKER_CONCURRENCY:");
  });

  it("stops before starting anything when its port is taken, and says so", async () => {
    const port = await freePort();
    const taken = createServer().listen(port);
    await new Promise((r) => taken.once("listening", r));
    try {
      const dir = await mkdtemp(join(tmpdir(), "baton-launch-"));
      dirs.push(dir);
      const run = launch({ PORT: String(port), BATON_DATA_DIR: dir });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Port ${port} is already in use`);
      // Nothing was started: no database folder.
      expect(existsSync(join(dir, "postgres"))).toBe(false);
    } finally {
      taken.close();
    }
  });
});
