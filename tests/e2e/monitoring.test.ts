// Watching and fixing runs in Chromium: retries appear live on the node, the step lands in the
// dead letters, an operator retries it after the fault is fixed and the audit log names them;
// viewers cannot act; the stream survives a cut connection without losing or repeating events;
// the runs list and the dashboard follow along.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Locator, Page } from "playwright-core";
import { definition, linear, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { launchBrowser, screenshot, signedIn } from "../helpers/browser.ts";
import { startProxy } from "../helpers/proxy.ts";
import { waitFor } from "../helpers/processes.ts";
import { emailFor } from "../helpers/fixtures.ts";
import type { Role } from "../../lib/auth/permissions.ts";

let engine: Engine;
let browser: Browser;
let server: TestServer;
let broken = true;
let gateOpen = false;
const gateWaiting: (() => void)[] = [];
// /paced answers each request only when the test says so: 500 while broken, then 200.
const paced: (() => void)[] = [];
const answerPaced = async () => {
  await waitFor("a request to /paced", () => paced.length > 0, 15_000);
  paced.shift()!();
};

beforeAll(async () => {
  [engine, browser, server] = await Promise.all([startEngine(), launchBrowser(), startTestServer()]);
  server.on("/charge", (_req, _n, res) => (broken ? json(res, 500, { error: "card processor down" }) : json(res, 200, { charged: true })));
  server.on("/paced", (_req, _n, res) => paced.push(() => (broken ? json(res, 500, { error: "card processor down" }) : json(res, 200, { charged: true }))));
  server.on("/gate", (_req, _n, res) => (gateOpen ? json(res, 200, {}) : gateWaiting.push(() => json(res, 200, {}))));
});
afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  await server?.close();
});

const as = (role: Role, path: string, baseUrl = engine.web.url) => signedIn(browser, baseUrl, role, path);
const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);
const statusOf = (page: Page, id: string) => node(page, id).getAttribute("data-status");

async function typeInto(editor: Locator, text: string) {
  await editor.click();
  await editor.press("ControlOrMeta+a");
  await editor.press("Delete");
  await editor.pressSequentially(text);
}

// Three seconds between attempts: long enough to read "retry in N s" on the page while a retry is
// scheduled, even on a loaded machine (one second was missed once during a full test run).
const chargeWorkflow = (maxAttempts: number, path = "/charge") =>
  linear([
    { id: "charge", type: "http", config: { url: `${server.url}${path}`, method: "POST" }, retry: { maxAttempts, initialDelayMs: 3000, multiplier: 1, jitter: "none" } },
    { id: "receipt", type: "transform", config: { output: { sent: true } } },
  ]);

describe("a failing HTTP step", () => {
  it("shows its retries live, lands in the dead letters, and succeeds when an operator retries it after the fix", async () => {
    broken = true;
    const editor = await engine.as("editor");
    const runId = await runWorkflow(editor, await publish(editor, chargeWorkflow(3, "/paced"), "Charge card"));
    const page = await as("operator", `/runs/${runId}`);
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
    await expect.poll(() => page.getByTestId("stream-state").getAttribute("data-state")).toBe("live");
    await expect.poll(() => statusOf(page, "charge"), { timeout: 15_000 }).toBe("running");
    await node(page, "charge").click();

    // Attempts rise on the node while the page stays loaded.
    await answerPaced();
    await expect.poll(() => node(page, "charge").getAttribute("data-attempt"), { timeout: 15_000 }).toBe("2");
    await expect.poll(() => statusOf(page, "charge")).toBe("retry_scheduled");
    await answerPaced();
    await expect.poll(() => node(page, "charge").getAttribute("data-attempt"), { timeout: 15_000 }).toBe("3");
    await expect.poll(() => statusOf(page, "charge")).toBe("retry_scheduled");
    await expect.poll(() => node(page, "charge").getByTestId("node-attempt").textContent()).toMatch(/^attempt 3 of 3 · retry in \d s$/);
    await expect.poll(() => page.getByTestId("attempts").locator("li").count()).toBe(2);
    await expect.poll(() => page.getByTestId("step-error").textContent()).toContain("HTTP 500");
    await screenshot(page, "run", "docs/run.png");

    await answerPaced();
    await expect.poll(() => statusOf(page, "charge"), { timeout: 15_000 }).toBe("failed");
    await expect.poll(() => page.getByTestId("run-status").textContent()).toBe("failed");
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    expect(await statusOf(page, "receipt")).toBe("pending");
    await expect.poll(() => page.getByTestId("step-logs").textContent()).toContain("→ 500");

    // It is in the dead letters.
    const letters = await as("viewer", "/dead-letters");
    await expect.poll(() => letters.getByTestId(`dead-letter-${runId}`).textContent()).toContain("HTTP 500");

    // The fault is fixed; the operator retries the step.
    broken = false;
    await page.getByTestId("retry-step").click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("runs again as attempt 4, with a fresh budget of 3 attempts. The run reopens");
    await dialog.getByRole("button", { name: "Retry" }).click();
    await answerPaced();
    await expect.poll(() => statusOf(page, "charge"), { timeout: 15_000 }).toBe("succeeded");
    await expect.poll(() => statusOf(page, "receipt")).toBe("succeeded");
    await expect.poll(() => page.getByTestId("run-status").textContent()).toBe("succeeded");
    await expect.poll(() => page.locator(".react-flow__edge.edge-taken").count()).toBe(3);

    await page.getByRole("tab", { name: /Audit log/ }).click();
    const retry = page.locator('[data-event-type="command.retry_step"]');
    await expect.poll(() => retry.getByTestId("event-actor").textContent()).toBe(emailFor("operator"));
    expect(await retry.textContent()).toContain("Retry step charge");
    // Back in time: right after the retry command the step was still failed, and the receipt
    // had not run; one event later it was queued again.
    await retry.getByRole("button", { name: /The run's state after/ }).click();
    const then = page.getByTestId("state-at");
    await expect.poll(() => then.getByTestId("state-at-steps").textContent()).toContain("failed");
    expect(await then.getByTestId("state-at-steps").textContent()).not.toContain("receipt");
    await screenshot(page, "run-state-at");
    await then.getByRole("button", { name: "Later →" }).click();
    await expect.poll(() => then.getByTestId("state-at-steps").textContent()).toMatch(/queued|running/);
    await page.keyboard.press("Escape");

    await letters.reload();
    await expect.poll(() => letters.getByText("No open dead letters").count()).toBe(1);
  });

  it("offers a viewer no command it could use, and says why", async () => {
    broken = true;
    const editor = await engine.as("editor");
    const runId = await runWorkflow(editor, await publish(editor, chargeWorkflow(1), "Charge once"));
    await waitForRun(editor, runId, ["failed"]);
    const page = await as("viewer", `/runs/${runId}?step=charge`);
    await expect.poll(() => statusOf(page, "charge")).toBe("failed");
    const commands = page.locator('[data-testid="cancel-run"], [data-testid="resume-run"], [data-testid="rerun"], [data-testid="retry-step"], [data-testid="skip-step"], [data-testid="replay-step"]');
    await expect.poll(() => commands.count()).toBeGreaterThanOrEqual(4);
    expect(await commands.evaluateAll((buttons) => buttons.filter((b) => !(b as HTMLButtonElement).disabled).length)).toBe(0);
    expect(await page.getByTestId("step-panel").textContent()).toContain("needs the runs.operate permission (operator, admin); you are viewer.");

    const letters = await as("viewer", "/dead-letters");
    const row = letters.getByTestId(`dead-letter-${runId}`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByRole("button").evaluateAll((b) => b.filter((x) => !(x as HTMLButtonElement).disabled).length)).toBe(0);
  });
});

describe("other commands", () => {
  it("skips a failed step with an output written by the operator, then replays the run from a later step", async () => {
    broken = true;
    const editor = await engine.as("editor");
    const runId = await runWorkflow(editor, await publish(editor, chargeWorkflow(1), "Charge and skip"));
    await waitForRun(editor, runId, ["failed"]);
    const page = await as("operator", `/runs/${runId}?step=charge`);
    await expect.poll(() => statusOf(page, "charge")).toBe("failed");

    await page.getByTestId("skip-step").click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("“charge” is marked skipped with the output below");
    await typeInto(dialog.getByRole("textbox", { name: "Output to use" }), '{"charged": "by hand"}');
    await dialog.getByRole("button", { name: "Skip step" }).click();
    await expect.poll(() => statusOf(page, "charge")).toBe("skipped");
    await expect.poll(() => statusOf(page, "receipt"), { timeout: 15_000 }).toBe("succeeded");
    await expect.poll(() => page.getByTestId("run-status").textContent()).toBe("succeeded");
    const run = (await editor.get(`/runs/${runId}`)).json;
    expect(run.steps.find((s: { nodeId: string }) => s.nodeId === "charge")).toMatchObject({ status: "skipped", output: { charged: "by hand" } });
    await page.getByRole("tab", { name: /Audit log/ }).click();
    await expect.poll(() => page.locator('[data-event-type="command.skip_step"]').getByTestId("event-actor").textContent()).toBe(emailFor("operator"));

    await node(page, "receipt").click();
    await page.getByTestId("replay-step").click();
    await expect.poll(() => page.getByRole("dialog").textContent()).toContain("Steps before “receipt” reuse this run's outputs");
    await page.getByRole("dialog").getByRole("button", { name: "Start replay" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(runId));
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 15_000 }).toBe("succeeded");
    expect(await page.locator("header").textContent()).toContain(`replay of ${runId.slice(0, 8)}`);
    // The steps before "receipt" did not run again: they say whose output they carry.
    expect(await statusOf(page, "charge")).toBe("reused");
    expect(await node(page, "charge").getByTestId("node-attempt").count()).toBe(0);
    await node(page, "charge").click();
    await expect.poll(() => page.getByTestId("step-panel-reused").textContent()).toBe(`reused from run ${runId.slice(0, 8)}, where it was skipped; it did not run again`);
    expect(await page.getByTestId("step-panel-attempt").count()).toBe(0);
  });

  it("names steps as the canvas does, lists them in the order they run, and in the timeline and dialogs", async () => {
    const editor = await engine.as("editor");
    // Defined out of order: "ship" is written before the step it follows.
    const def = definition(
      [
        { id: "start", type: "start" },
        { id: "ship", type: "transform", name: "Ship the parcel", config: { output: 2 } },
        { id: "pack", type: "transform", name: "Pack the order", config: { output: 1 } },
        { id: "end", type: "end", name: "Done" },
      ],
      [["start", "pack"], ["pack", "ship"], ["ship", "end"]],
    );
    const runId = await runWorkflow(editor, await publish(editor, def, "Named steps"));
    await waitForRun(editor, runId, ["succeeded"]);
    const page = await as("operator", `/runs/${runId}`);
    await expect.poll(() => page.getByTestId("step-list").locator("li").allTextContents()).toEqual([
      expect.stringMatching(/^start/),
      expect.stringMatching(/^Pack the orderpack/),
      expect.stringMatching(/^Ship the parcelship/),
      expect.stringMatching(/^Doneend/),
    ]);
    expect(await page.getByTestId("timeline").getByRole("button").allTextContents()).toEqual([
      expect.stringMatching(/^start/),
      expect.stringMatching(/^Pack the order/),
      expect.stringMatching(/^Ship the parcel/),
      expect.stringMatching(/^Done/),
    ]);
    await page.getByTestId("step-ship").click();
    await page.getByTestId("replay-step").click();
    expect(await page.getByRole("dialog").getByRole("heading").textContent()).toBe("Replay from “Ship the parcel”?");
    await page.keyboard.press("Escape");
    await page.getByRole("tab", { name: /Audit log/ }).click();
    expect(await page.locator('[data-event-type="step.succeeded"]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("Ship the parcel succeeded")]));
  });
});

describe("the live stream", () => {
  it("reconnects after the connection is cut and shows what happened meanwhile, once", async () => {
    gateOpen = false;
    const proxy = await startProxy(engine.web.url);
    try {
      const editor = await engine.as("editor");
      const workflowId = await publish(
        editor,
        definition(
          [
            { id: "start", type: "start" },
            { id: "call", type: "http", config: { url: `${server.url}/gate` } },
            { id: "shape", type: "transform", config: { output: { ok: true } } },
            { id: "end", type: "end" },
          ],
          [["start", "call"], ["call", "shape"], ["shape", "end"]],
        ),
        "Gated",
      );
      const runId = await runWorkflow(editor, workflowId);
      const page = await as("viewer", `/runs/${runId}`, proxy.url);
      await expect.poll(() => statusOf(page, "call"), { timeout: 15_000 }).toBe("running");
      await expect.poll(() => page.getByTestId("stream-state").getAttribute("data-state")).toBe("live");

      proxy.cut();
      await expect.poll(() => page.getByTestId("stream-state").getAttribute("data-state")).toBe("reconnecting");
      expect(await page.getByTestId("stream-state").textContent()).toContain("Disconnected");
      gateOpen = true;
      gateWaiting.splice(0).forEach((go) => go());
      await waitForRun(editor, runId, ["succeeded"]);
      expect(await statusOf(page, "shape")).toBe("pending");

      proxy.restore();
      await expect.poll(() => page.getByTestId("stream-state").getAttribute("data-state"), { timeout: 15_000 }).toBe("live");
      await expect.poll(() => statusOf(page, "shape")).toBe("succeeded");
      await expect.poll(() => page.getByTestId("run-status").textContent()).toBe("succeeded");

      const stored = (await editor.get(`/runs/${runId}/events?limit=1000`)).json.events.map((e: { id: string }) => e.id);
      await page.getByRole("tab", { name: /Audit log/ }).click();
      const shown = await page.locator("[data-event-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-event-id")));
      expect(shown.length).toBe(stored.length);
      expect(new Set(shown).size).toBe(shown.length);
      expect([...shown].sort()).toEqual([...stored].sort());
    } finally {
      await proxy.close();
    }
  });
});

describe("lists and the dashboard", () => {
  it("lists a new run as it starts and finishes, filters failed runs, and counts them on the dashboard", async () => {
    broken = false;
    const editor = await engine.as("editor");
    const workflowId = await publish(editor, chargeWorkflow(1), "Listed");
    const page = await as("viewer", `/runs?workflowId=${workflowId}`);
    await expect.poll(() => page.getByTestId("stream-state").getAttribute("data-state")).toBe("live");
    const runId = await runWorkflow(editor, workflowId);
    await expect.poll(() => page.getByTestId(`run-row-${runId}`).getAttribute("data-status"), { timeout: 15_000 }).toBe("succeeded");

    broken = true;
    const failedId = await runWorkflow(editor, workflowId);
    await waitForRun(editor, failedId, ["failed"]);
    await page.getByLabel("Status").selectOption("failed");
    await expect.poll(() => page.locator("[data-testid^=run-row-]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")))).toEqual([`run-row-${failedId}`]);
    await page.getByLabel("Search by run id, correlation id or idempotency key").fill(runId);
    await page.getByLabel("Status").selectOption("");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator("[data-testid^=run-row-]").count()).toBe(1);
    await expect.poll(() => page.getByTestId(`run-row-${runId}`).count()).toBe(1);

    const failedRuns = (await editor.get(`/runs?status=failed&limit=200`)).json.runs.length;
    const dash = await as("viewer", "/dashboard");
    await expect.poll(() => dash.getByTestId("count-failed").textContent()).toBe(String(failedRuns));
    expect(await dash.locator(".recharts-surface").count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => dash.getByTestId("live-workers").textContent()).toBe("1");
    await expect.poll(() => dash.getByTestId("dashboard-dead-letters").textContent()).toContain("Listed · charge");
    await expect.poll(() => dash.getByTestId("queues").textContent()).toContain("baton-steps");
    await screenshot(dash, "dashboard", "docs/dashboard.png");
  });
});
