// A whole engine for a test file: its own database, a web process for the API, real worker
// processes, and signed-in clients for each role.
import { freshDatabase, type TestDatabase } from "./db.ts";
import { startWeb, startWorker, waitFor, type Proc, type Web } from "./processes.ts";
import { Client } from "./http.ts";
import { createRoleUsers, emailFor, PASSWORD } from "./fixtures.ts";
import type { Role } from "../../lib/auth/permissions.ts";

export interface Engine {
  db: TestDatabase;
  web: Web;
  workers: Proc[];
  as(role: Role): Promise<Client>;
  addWorker(env?: Record<string, string>): Promise<Proc>;
  stop(): Promise<void>;
}

export async function startEngine(options: { workers?: number; workerEnv?: Record<string, string>; webEnv?: Record<string, string> } = {}): Promise<Engine> {
  const db = await freshDatabase();
  await createRoleUsers(db.prisma);
  const web = await startWeb(db.url, options.webEnv);
  const workers: Proc[] = [];
  const addWorker = async (env: Record<string, string> = {}) => {
    const w = await startWorker(db.url, { PORT: new URL(web.url).port, ...options.workerEnv, ...env });
    workers.push(w);
    return w;
  };
  for (let i = 0; i < (options.workers ?? 1); i++) await addWorker();
  const clients = new Map<Role, Client>();
  return {
    db,
    web,
    workers,
    addWorker,
    async as(role) {
      if (!clients.has(role)) clients.set(role, await new Client(web.url).login(emailFor(role), PASSWORD));
      return clients.get(role)!;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await web.stop();
      await db.close();
    },
  };
}

/** Creates a workflow with this definition and publishes it; returns its id. */
export async function publish(client: Client, definition: unknown, name = "test workflow"): Promise<string> {
  const created = await client.post("/workflows", { name, definition });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const published = await client.post(`/workflows/${created.json.id}/versions`, { note: "test" });
  if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${published.text}`);
  return created.json.id;
}

export async function runWorkflow(client: Client, workflowId: string, input: unknown = {}, headers: Record<string, string> = {}) {
  const res = await client.post(`/workflows/${workflowId}/runs`, { input }, { headers });
  if (res.status !== 202) throw new Error(`start failed: ${res.status} ${res.text}`);
  return res.json.id as string;
}

const FINAL = ["succeeded", "failed", "cancelled", "compensated", "compensation_failed"];

/** Polls the API until the run reaches one of `statuses` (default: any final status). */
export async function waitForRun(client: Client, runId: string, statuses: string[] = FINAL, timeoutMs = 60_000) {
  return waitFor(
    `run ${runId} to be ${statuses.join(" or ")}`,
    async () => {
      const res = await client.get(`/runs/${runId}`);
      return statuses.includes(res.json.status) ? res.json : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Polls until a step of the run has one of `statuses`. */
export async function waitForStep(client: Client, runId: string, nodeId: string, statuses: string[], timeoutMs = 30_000) {
  return waitFor(
    `step ${nodeId} of ${runId} to be ${statuses.join(" or ")}`,
    async () => {
      const res = await client.get(`/runs/${runId}`);
      const step = res.json.steps?.find((s: { nodeId: string }) => s.nodeId === nodeId);
      return step && statuses.includes(step.status) ? step : undefined;
    },
    timeoutMs,
    100,
  );
}

export const stepOf = (run: { steps: { nodeId: string }[] }, nodeId: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run.steps.find((s) => s.nodeId === nodeId) as any;

// Definition builders ---------------------------------------------------------------------------

type NodeSpec = { id: string; type: string; name?: string; config?: Record<string, unknown>; retry?: Record<string, unknown>; timeoutMs?: number; dependency?: string; concurrency?: { key?: string; limit: number } };

export function definition(nodes: NodeSpec[], edges: [string, string, string?][]) {
  return {
    nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, config: {}, ...n })),
    edges: edges.map(([source, target, sourceHandle], i) => ({ id: `e${i}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) })),
  };
}

/** start → the given nodes in a line → end. */
export function linear(middle: NodeSpec[], end: Record<string, unknown> = {}) {
  const nodes = [{ id: "start", type: "start" }, ...middle, { id: "end", type: "end", config: end }];
  return definition(nodes, nodes.slice(1).map((n, i) => [nodes[i].id, n.id]));
}
