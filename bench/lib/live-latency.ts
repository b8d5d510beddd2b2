// How soon a run page in Chromium shows a step's new state: from the commit of the transaction
// that changed it (Postgres commit timestamps) to the DOM mutation of the node's data-status
// (a MutationObserver in the page, on the same machine clock), while `inFlight` runs execute.
// Each round starts `inFlight` runs of `steps` slow HTTP steps and watches one of them.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { launchBrowser } from "../../tests/helpers/browser.ts";
import { Client } from "../../tests/helpers/http.ts";
import { publishWorkflow, startStack, waitForRuns, type Cluster } from "./cluster.ts";
import { distribution, type Distribution } from "./stats.ts";

export interface LiveLatencyResult {
  inFlight: number;
  rounds: number;
  /** "commit" with track_commit_timestamp; else "transaction start" (an upper bound). */
  measuredFrom: "commit" | "transaction start";
  latencyMs: Distribution;
}

const STATUS_OF_EVENT: Record<string, string> = { "step.queued": "queued", "step.started": "running", "step.succeeded": "succeeded" };

interface Mutation {
  nodeId: string;
  status: string;
  at: number;
}

export async function liveLatencyScenario(
  cluster: Cluster,
  options: { inFlight: number; rounds: number; steps: number; stepMs: number },
): Promise<LiveLatencyResult> {
  const slow = createServer((_req, res) => setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), options.stepMs));
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
  const stack = await startStack(cluster, 1);
  const browser = await launchBrowser();
  try {
    const { rows } = await stack.db.pool.query(`select current_setting('track_commit_timestamp') = 'on' as on`);
    const measuredFrom = rows[0].on ? "commit" : "transaction start";
    const password = randomBytes(12).toString("hex");
    await stack.db.prisma.user.create({ data: { email: "viewer@bench.local", name: "Bench viewer", role: "viewer", passwordHash: await hashPassword(password) } });
    const cookie = (await new Client(stack.web.url).login("viewer@bench.local", password)).cookie!.split("=");

    const nodes = [{ id: "start", type: "start", position: { x: 0, y: 0 }, config: {} as Record<string, unknown> }];
    const edges = [];
    for (let i = 1; i <= options.steps; i++) {
      nodes.push({ id: `call${i}`, type: "http", position: { x: i * 260, y: 0 }, config: { url: slowUrl } });
      edges.push({ id: `e${i}`, source: i === 1 ? "start" : `call${i - 1}`, target: `call${i}` });
    }
    const workflowId = await publishWorkflow(stack.client, { nodes, edges }, "Live latency");

    const latencies: number[] = [];
    for (let round = 0; round < options.rounds + 1; round++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([{ name: cookie[0], value: cookie[1], url: stack.web.url }]);
      const page = await context.newPage();
      await page.addInitScript(() => {
        const log: { nodeId: string; status: string; at: number; live: boolean }[] = [];
        (window as unknown as { mutations: typeof log }).mutations = log;
        new MutationObserver((records) => {
          const at = performance.timeOrigin + performance.now();
          const live = document.querySelector('[data-testid="stream-state"]')?.getAttribute("data-state") === "live";
          for (const r of records) {
            const el = r.target as HTMLElement;
            const status = el.getAttribute("data-status");
            const nodeId = el.getAttribute("data-testid")?.replace(/^node-/, "");
            if (status && nodeId && el.getAttribute("data-testid")?.startsWith("node-")) log.push({ nodeId, status, at, live });
          }
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-status"] });
      });
      const started = await Promise.all(
        Array.from({ length: options.inFlight }, () => stack.client.post(`/workflows/${workflowId}/runs`, { input: {} }, { origin: null }).then((r) => r.json.id as string)),
      );
      const watched = started[0];
      await page.goto(`${stack.web.url}/runs/${watched}`);
      await waitForRuns(stack.db, started);
      await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === "succeeded", null, { timeout: 30_000 });
      const seen = (await page.evaluate(() => (window as unknown as { mutations: (Mutation & { live: boolean })[] }).mutations)).filter((m) => m.live);
      await context.close();
      const events = await stack.db.pool.query(
        `select node_id, type,
                extract(epoch from ${measuredFrom === "commit" ? "pg_xact_commit_timestamp(((xid::text::numeric % 4294967296)::bigint)::text::xid)" : "at"}) * 1000 as committed
           from run_events where run_id = $1 and node_id is not null`,
        [watched],
      );
      // The first round warms Next's caches and the browser; it is not counted.
      if (round === 0) continue;
      for (const m of seen) {
        const e = events.rows.find((r) => r.node_id === m.nodeId && STATUS_OF_EVENT[r.type] === m.status);
        if (e) latencies.push(m.at - Number(e.committed));
      }
    }
    return { inFlight: options.inFlight, rounds: options.rounds, measuredFrom, latencyMs: distribution(latencies) };
  } finally {
    await browser.close();
    await stack.stop();
    slow.close();
  }
}
