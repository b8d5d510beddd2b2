// How long the editor takes to show a large workflow in Chromium: from navigation until all its
// nodes are drawn, and until a click on one opens it in the side panel (interactive).
import { randomBytes } from "node:crypto";
import { hashPassword } from "../../lib/auth/passwords.ts";
import { launchBrowser } from "../../tests/helpers/browser.ts";
import { Client } from "../../tests/helpers/http.ts";
import { startStack, type Cluster } from "./cluster.ts";
import { distribution, type Distribution } from "./stats.ts";

export interface EditorLoadResult {
  nodes: number;
  drawnMs: Distribution;
  interactiveMs: Distribution;
}

/** A grid of transforms, each joined to the one before it: `n` nodes and about as many edges. */
function bigDefinition(n: number) {
  const nodes = [{ id: "start", type: "start", position: { x: 0, y: 0 }, config: {} as Record<string, unknown> }];
  const edges = [];
  for (let i = 1; i < n; i++) {
    nodes.push({ id: `t${i}`, type: "transform", position: { x: (i % 25) * 260, y: Math.floor(i / 25) * 120 }, config: { output: { i } } });
    edges.push({ id: `e${i}`, source: i === 1 ? "start" : `t${i - 1}`, target: `t${i}` });
  }
  return { nodes, edges };
}

export async function editorLoadScenario(cluster: Cluster, options: { nodes: number; samples: number }): Promise<EditorLoadResult> {
  const stack = await startStack(cluster, 0);
  const browser = await launchBrowser();
  try {
    const password = randomBytes(12).toString("hex");
    await stack.db.prisma.user.create({ data: { email: "editor@bench.local", name: "Bench editor", role: "editor", passwordHash: await hashPassword(password) } });
    const created = await stack.client.post("/workflows", { name: "Big", definition: bigDefinition(options.nodes) }, { origin: null });
    const url = `${stack.web.url}/workflows/${created.json.id}`;
    const login = await new Client(stack.web.url).login("editor@bench.local", password);
    const cookie = login.cookie!.split("=");
    const drawn: number[] = [];
    const interactive: number[] = [];
    for (let i = 0; i < options.samples + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([{ name: cookie[0], value: cookie[1], url: stack.web.url }]);
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(url);
      await page.waitForFunction((n) => document.querySelectorAll(".react-flow__node").length >= n, options.nodes, { timeout: 60_000, polling: 16 });
      const drawnAt = performance.now();
      // A transform the editor shows (it opens at a readable zoom, not the whole grid).
      const visible = await page.evaluate(() => {
        const pane = document.querySelector(".react-flow")!.getBoundingClientRect();
        return [...document.querySelectorAll<HTMLElement>('[data-testid^="node-t"]')]
          .find((n) => {
            const r = n.getBoundingClientRect();
            return r.left >= pane.left + 40 && r.top >= pane.top + 40 && r.right <= pane.right - 40 && r.bottom <= pane.bottom - 40;
          })
          ?.getAttribute("data-testid");
      });
      await page.getByTestId(visible ?? "node-t1").click();
      await page.getByRole("complementary", { name: "Inspector" }).getByRole("heading", { name: "Transform" }).waitFor();
      const interactiveAt = performance.now();
      // The first load warms Next's caches; it is not counted.
      if (i > 0) {
        drawn.push(drawnAt - started);
        interactive.push(interactiveAt - started);
      }
      await context.close();
    }
    return { nodes: options.nodes, drawnMs: distribution(drawn), interactiveMs: distribution(interactive) };
  } finally {
    await browser.close();
    await stack.stop();
  }
}
