// `npm start` supervises its processes: the worker, the web process and the embedded Postgres
// are each killed with SIGKILL while runs are in flight; each is restarted, every run finishes,
// no step completes twice, the crashes show in health, and SIGTERM still stops everything.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/embedded-postgres.ts";
import { alive, waitFor } from "../helpers/processes.ts";
import { Client } from "../helpers/http.ts";
import { linear } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";

let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-supervise-"));
  server = await startTestServer();
  server.on("/slow", (_req, _n, res) => void setTimeout(() => json(res, 200, { ok: true }), 150));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Pids from the launcher's JSON log: the first start of each process, then each restart. */
function pids(output: string, name: "web" | "worker" | "postgres"): number[] {
  const first = /"msg":"processes started"/.test(output) ? [...output.matchAll(/^.*"msg":"processes started".*$/gm)].map((m) => JSON.parse(m[0])[name]) : [];
  const restarts = [...output.matchAll(new RegExp(`^.*"msg":"${name} restarted".*$`, "gm"))].map((m) => JSON.parse(m[0]).pid);
  return [...first, ...restarts].filter(Boolean);
}

describe("npm start supervising its processes", () => {
  it("restarts a killed worker, web process and database while runs are in flight; no run is lost, no step completes twice", async () => {
    const port = await freePort();
    const env = {
      ...process.env,
      LOG_FORMAT: "json",
      BATON_PROCESS: "launcher",
      BATON_DATA_DIR: join(dir, ".data"),
      BATON_PG_PORT: String(await freePort()),
      PORT: String(port),
      BATON_ADMIN_EMAIL: "ops@test.local",
      BATON_ADMIN_PASSWORD: "a password from the environment",
      BATON_SEED_EXAMPLES: "false",
      WORKER_SHUTDOWN_GRACE_MS: "2000",
    };
    const launcher = spawn(process.execPath, ["scripts/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    launcher.stdout!.on("data", (d) => (output += d));
    launcher.stderr!.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((r) => launcher.once("exit", (code) => r(code)));
    const base = `http://127.0.0.1:${port}`;
    const health = async () => (await fetch(`${base}/api/v1/health`).then((r) => (r.status === 200 ? r.json() : undefined), () => undefined)) as { workers: { alive: number }; processes: { crashesLastHour: number; recent: { process: string; event: string; signal: string | null }[] } } | undefined;
    const ready = async () => (await health())?.workers.alive === 1;

    try {
      await waitFor("Baton to start", ready, 180_000, 250);
      const admin = await new Client(base).login("ops@test.local", "a password from the environment");
      const calls = Array.from({ length: 4 }, (_, i) => ({ id: `call${i}`, type: "http", config: { url: `${server.url}/slow` }, retry: { maxAttempts: 10, initialDelayMs: 200, maxDelayMs: 2000 } }));
      const created = await admin.post("/workflows", { name: "Through crashes", definition: linear(calls) });
      expect((await admin.post(`/workflows/${created.json.id}/versions`, {})).status).toBe(201);
      const runIds: string[] = [];
      const start = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const res = await admin.post(`/workflows/${created.json.id}/runs`, { input: { i } });
          expect(res.status, res.text).toBe(202);
          runIds.push(res.json.id);
        }
      };

      for (const name of ["worker", "web", "postgres"] as const) {
        await start(10);
        const [victim] = pids(output, name).slice(-1);
        expect(victim, `${name} pid`).toBeGreaterThan(0);
        process.kill(victim, "SIGKILL");
        await waitFor(`${name} to be restarted`, () => pids(output, name).length === 2, 60_000, 200);
        await waitFor("Baton to answer again", ready, 60_000, 250);
      }
      await start(10);

      const finished = await waitFor(
        "every run to finish",
        async () => {
          const statuses = await Promise.all(runIds.map(async (id) => (await admin.get(`/runs/${id}`)).json?.status));
          return statuses.every((s) => s === "succeeded" || s === "failed") ? statuses : undefined;
        },
        120_000,
        1000,
      );
      const failures = await Promise.all(runIds.filter((_, i) => finished[i] !== "succeeded").map(async (id) => (await admin.get(`/runs/${id}`)).json));
      expect(finished, JSON.stringify(failures.map((r) => ({ id: r.id, error: r.error, steps: r.steps.map((st: { nodeId: string; status: string; error: unknown }) => [st.nodeId, st.status, st.error]) })))).toEqual(Array(40).fill("succeeded"));
      for (const id of runIds) {
        const events = (await admin.get(`/runs/${id}/events?limit=500`)).json.events as { type: string; nodeId: string | null }[];
        const succeeded = events.filter((e) => e.type === "step.succeeded").map((e) => e.nodeId);
        expect(succeeded.sort(), id).toEqual(["call0", "call1", "call2", "call3", "end", "start"]);
      }

      // The launcher writes its record in the background (the database's own crash once it is back).
      const h = await waitFor("the crashes and restarts to be recorded", async () => {
        const now = await health();
        return now?.processes.recent.filter((e) => e.event === "restarted").length === 3 ? now : undefined;
      }, 30_000, 500);
      expect(h.processes.crashesLastHour).toBe(3);
      for (const name of ["worker", "web", "postgres"]) {
        expect(h.processes.recent).toEqual(expect.arrayContaining([expect.objectContaining({ process: name, event: "crashed", signal: "SIGKILL" }), expect.objectContaining({ process: name, event: "restarted" })]));
      }
      expect(output).toMatch(/worker exited unexpectedly \(signal SIGKILL\); restarting it in 1 s/);
      // The database replayed its log: nothing committed before the kill was lost (every run above finished).
      expect(await readFile(join(dir, ".data", "postgres", "postgres.log"), "utf8")).toMatch(/database system was interrupted|redo starts|automatic recovery/);
    } finally {
      process.kill(-launcher.pid!, "SIGTERM");
    }
    expect(await exited).toBe(0);
    for (const name of ["web", "worker", "postgres"] as const) for (const pid of pids(output, name)) expect(alive(pid), `${name} ${pid}`).toBe(false);
  }, 400_000);
});
