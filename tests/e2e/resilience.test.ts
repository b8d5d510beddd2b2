// Resilience patterns in Chromium. Sagas: drawing a "compensates" edge in the editor; watching a
// run undo its steps on the run page, the compensation path lit in its own colour; an operator's
// "fail and compensate" previewing the undo plan before it happens. Sub-workflows: choosing the
// workflow in the editor; parent and child runs linking to each other. Limits (a step's, a
// workflow's active runs, a dependency's) set and shown; progress while a step runs; a for-each's
// drawn step, its items on the run page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { linear, publish, runWorkflow, startEngine, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { launchBrowser, screenshot, signedIn } from "../helpers/browser.ts";
import { connect, node, saved } from "../helpers/editor.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
let browser: Browser;
let server: TestServer;
/** Undo calls held until the test lets them answer, so that "compensating" can be watched. */
const held: (() => void)[] = [];
let holding = true;

beforeAll(async () => {
  [engine, browser, server] = await Promise.all([startEngine(), launchBrowser(), startTestServer()]);
  server.on("/reserve", (_req, n, res) => json(res, 200, { reservation: `R-${n}` }));
  server.on("/decline", (_req, _n, res) => json(res, 402, { error: "card declined" }));
  server.on("/release", (_req, _n, res) => (holding ? held.push(() => json(res, 200, { released: true })) : json(res, 200, { released: true })));
});
afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  await server?.close();
});

const http = (id: string, name: string, path: string, x: number, y = 0) => ({ id, type: "http", name, position: { x, y }, config: { method: "POST", url: `${server.url}${path}` }, retry: { maxAttempts: 1 } });

/** start → flight → hotel → charge → end, each reservation with its release drawn under it. */
const trip = (compensations = true, pause = false) => ({
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
    http("flight", "Reserve flight", "/reserve", 300),
    http("hotel", "Reserve hotel", "/reserve", 600),
    pause ? { id: "charge", type: "delay", name: "Wait for payment", position: { x: 900, y: 0 }, config: { durationMs: 3_600_000 } } : http("charge", "Charge card", "/decline", 900),
    { id: "end", type: "end", position: { x: 1200, y: 0 }, config: {} },
    http("release_flight", "Release flight", "/release", 300, 220),
    http("release_hotel", "Release hotel", "/release", 600, 220),
  ],
  edges: [
    { id: "e1", source: "start", target: "flight" },
    { id: "e2", source: "flight", target: "hotel" },
    { id: "e3", source: "hotel", target: "charge" },
    { id: "e4", source: "charge", target: "end" },
    ...(compensations
      ? [
          { id: "u1", source: "flight", target: "release_flight", kind: "compensation" },
          { id: "u2", source: "hotel", target: "release_hotel", kind: "compensation" },
        ]
      : []),
  ],
});

const draftOf = async (id: string) => (await (await engine.as("viewer")).get(`/workflows/${id}`)).json.draft as { nodes: { id: string; compensateIfFailed?: boolean }[]; edges: { source: string; target: string; kind?: string }[] };

describe("the editor", () => {
  it("draws a compensation from a step's amber handle, dashed, and saves it as a compensates edge", async () => {
    const editor = await engine.as("editor");
    const id = (await editor.post("/workflows", { name: "Trip to draw", definition: trip(false) })).json.id as string;
    const page = await signedIn(browser, engine.web.url, "editor", `/workflows/${id}`);
    await node(page, "flight").waitFor();

    await connect(page, "flight", "release_flight", "compensation");
    await saved(page);
    await waitFor("the compensation in the draft", async () => (await draftOf(id)).edges.some((e) => e.source === "flight" && e.target === "release_flight" && e.kind === "compensation"));
    expect(await node(page, "release_flight").getByTestId("node-undoes").textContent()).toBe("undoes Reserve flight");
    // Drawn dashed, and named for screen readers.
    const edge = page.getByRole("group", { name: "Compensation: Release flight undoes Reserve flight" }).or(page.locator('[aria-label="Compensation: Release flight undoes Reserve flight"]'));
    expect(await edge.first().locator("path.react-flow__edge-path").getAttribute("style")).toContain("stroke-dasharray");

    // A step that undoes runs outside the flow: nothing can follow it, and its edge comes in from above.
    expect(await node(page, "release_flight").locator(".react-flow__handle.source").count()).toBe(0);
    expect(await node(page, "release_flight").locator(".react-flow__handle.target.react-flow__handle-top").count()).toBe(1);

    // From the keyboard: the hotel's inspector chooses its undo and marks it undone even if it fails.
    await node(page, "hotel").click();
    const section = page.getByTestId("compensation-section");
    await section.getByRole("combobox", { name: "Undo with step" }).selectOption("release_hotel");
    await section.getByRole("button", { name: "Set" }).click();
    await section.getByRole("checkbox", { name: /Undo even if this step failed/ }).check();
    await saved(page);
    await waitFor("the hotel's compensation in the draft", async () => {
      const draft = await draftOf(id);
      return draft.edges.some((e) => e.source === "hotel" && e.target === "release_hotel" && e.kind === "compensation") && draft.nodes.find((n) => n.id === "hotel")?.compensateIfFailed === true;
    });
    await screenshot(page, "saga-editor");
    expect((await editor.post(`/workflows/${id}/versions`, {})).status).toBe(201);
    await page.context().close();
  });
});

describe("the run page", () => {
  it("shows a failed run undoing its steps, latest first, on the canvas, in a banner and on the timeline", async () => {
    const editor = await engine.as("editor");
    holding = true;
    const runId = await runWorkflow(editor, await publish(editor, trip(), "Trip that fails"));
    const page = await signedIn(browser, engine.web.url, "viewer", `/runs/${runId}`);
    await waitFor("the hotel's release to be called", () => held.length === 1, 30_000);
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 15_000 }).toBe("compensating");
    const banner = page.getByTestId("compensation-banner");
    expect(await banner.textContent()).toContain("Compensating");
    // The plan in order: the hotel (running now), then the flight (next).
    expect(await banner.getByRole("listitem").allTextContents()).toEqual([expect.stringMatching(/Release hotel.*undoes Reserve hotel.*running/), expect.stringMatching(/Release flight.*undoes Reserve flight.*next/)]);
    expect(await page.getByTestId("run-error").textContent()).toContain("charge");
    await expect.poll(() => node(page, "release_hotel").getAttribute("data-status")).toBe("running");
    // The compensation path lit: the hotel's undo edge is drawn in its own colour.
    expect(await page.locator(".react-flow__edge.edge-undoing").count()).toBe(1);
    await screenshot(page, "saga-compensating");

    holding = false;
    held.splice(0).forEach((answer) => answer());
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 15_000 }).toBe("compensated");
    expect(await banner.textContent()).toContain("every completed step was undone");
    await expect.poll(() => node(page, "release_flight").getAttribute("data-status")).toBe("succeeded");
    await expect.poll(() => page.locator(".react-flow__edge.edge-undoing").count()).toBe(2);
    // The timeline marks the undo rows.
    await page.getByRole("tab", { name: "Timeline" }).click();
    const undoRows = page.getByTestId("timeline").locator('li[data-compensation="true"]');
    expect(await undoRows.allTextContents()).toEqual([expect.stringContaining("Release hotel"), expect.stringContaining("Release flight")]);
    await screenshot(page, "saga-compensated");
    await page.context().close();
  });

  it("previews the undo plan before an operator fails and compensates a run; a viewer cannot", async () => {
    const editor = await engine.as("editor");
    holding = false;
    const runId = await runWorkflow(editor, await publish(editor, trip(true, true), "Trip waiting for payment"));
    await waitForStep(editor, runId, "charge", ["waiting"]);

    const viewer = await signedIn(browser, engine.web.url, "viewer", `/runs/${runId}`);
    const viewerButton = viewer.getByTestId("compensate-run");
    await viewerButton.waitFor();
    expect(await viewerButton.isDisabled()).toBe(true);
    await viewer.context().close();

    const page: Page = await signedIn(browser, engine.web.url, "operator", `/runs/${runId}`);
    await page.getByTestId("compensate-run").click();
    const dialog = page.getByRole("alertdialog").or(page.getByRole("dialog"));
    expect(await dialog.getByTestId("undo-plan").getByRole("listitem").allTextContents()).toEqual(["“Release hotel” undoes “Reserve hotel”", "“Release flight” undoes “Reserve flight”"]);
    await screenshot(page, "saga-fail-and-compensate");
    // Nothing happened yet.
    expect((await editor.get(`/runs/${runId}`)).json.status).toBe("waiting");
    await dialog.getByRole("button", { name: "Fail and compensate" }).click();
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 15_000 }).toBe("compensated");
    const run = await waitForRun(editor, runId);
    expect(run.status).toBe("compensated");
    const audit = (await editor.get(`/runs/${runId}/events`)).json.events.find((e: { type: string }) => e.type === "command.compensate");
    expect(audit.actor).toContain("operator");
    await page.context().close();
  });
});

describe("sub-workflows", () => {
  it("are chosen by name in the editor, and parent and child runs link to each other", async () => {
    const editor = await engine.as("editor");
    const child = await publish(editor, linear([{ id: "shape", type: "transform", config: { output: { shaped: "{{ input.n * 2 }}" } } }], { output: "{{ steps.shape.output }}" }), "Shape a number");
    const parent = await publish(editor, linear([{ id: "sub", type: "subworkflow", name: "Shape it", config: { workflowId: child, input: { n: "{{ input.n }}" } } }], { output: "{{ steps.sub.output.output }}" }), "Calls a child");

    const page = await signedIn(browser, engine.web.url, "editor", `/workflows/${parent}`);
    expect(await page.getByTestId("palette-subworkflow").textContent()).toContain("Sub-workflow");
    await node(page, "sub").click();
    const select = page.getByRole("combobox", { name: "Workflow" });
    await expect.poll(async () => (await select.locator("option:checked").textContent())?.trim()).toBe("Shape a number (v1)");
    await screenshot(page, "subworkflow-editor");
    await page.context().close();

    const runId = await runWorkflow(editor, parent, { n: 21 });
    const run = await waitForRun(editor, runId);
    expect(run.output).toEqual({ shaped: 42 });
    const view = await signedIn(browser, engine.web.url, "viewer", `/runs/${runId}?step=sub`);
    const children = view.getByTestId("child-runs");
    await children.waitFor();
    expect(await children.textContent()).toContain("Shape a number");
    await children.getByRole("link").click();
    await view.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    expect(view.url()).not.toContain(runId);
    const back = view.getByTestId("run-parent");
    expect(await back.textContent()).toContain("Calls a child");
    await screenshot(view, "subworkflow-child-run");
    await back.click();
    await view.waitForURL(new RegExp(`/runs/${runId}`));
    await view.context().close();
  });
});

describe("dependencies", () => {
  it("show a held step's reason on its node, and an operator resets the breaker from /dependencies", async () => {
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    expect((await operator.post("/dependencies/payments-api/force-open", {})).status).toBe(200);
    const workflow = await publish(editor, linear([{ id: "pay", type: "http", name: "Take payment", config: { method: "POST", url: `${server.url}/reserve` }, dependency: "payments-api" }]), "Pays through a dependency");
    const runId = await runWorkflow(editor, workflow);
    await waitFor("the step to be held", async () => (await operator.get("/dependencies/payments-api")).json.waiting === 1, 20_000);

    const run = await signedIn(browser, engine.web.url, "viewer", `/runs/${runId}`);
    await expect.poll(() => node(run, "pay").getByTestId("node-held").textContent()).toContain("circuit payments-api forced open");
    await screenshot(run, "dependency-held-step");
    await run.context().close();

    const viewer = await signedIn(browser, engine.web.url, "viewer", "/dependencies");
    const viewerRow = viewer.getByTestId("dependency-payments-api");
    expect(await viewerRow.getByTestId("breaker-state").textContent()).toBe("forced open");
    expect(await viewerRow.getByRole("button", { name: "Reset" }).isDisabled()).toBe(true);
    await viewer.context().close();

    const page = await signedIn(browser, engine.web.url, "operator", "/dependencies");
    const row = page.getByTestId("dependency-payments-api");
    expect(await row.getByTestId("waiting").textContent()).toBe("1");
    await row.getByRole("button", { name: "payments-api" }).click();
    const panel = page.getByTestId("dependency-panel");
    await expect.poll(() => panel.textContent()).toContain("Pays through a dependency · pay");
    await screenshot(page, "dependencies");
    await row.getByRole("button", { name: "Reset" }).click();
    await page.getByRole("alertdialog").or(page.getByRole("dialog")).getByRole("button", { name: "Reset" }).click();
    await expect.poll(() => row.getByTestId("breaker-state").textContent()).toBe("closed");
    expect((await waitForRun(editor, runId, undefined, 15_000)).status).toBe("succeeded");
    await expect.poll(() => panel.getByTestId("dependency-history").textContent()).toContain("reset");
    await page.context().close();
  });
});

describe("concurrency limits", () => {
  it("are set in a step's inspector and shown on its node", async () => {
    const editor = await engine.as("editor");
    const id = (await editor.post("/workflows", { name: "Limited", definition: linear([{ id: "call", type: "http", config: { method: "POST", url: `${server.url}/reserve` } }]) })).json.id as string;
    const page = await signedIn(browser, engine.web.url, "editor", `/workflows/${id}`);
    await node(page, "call").click();
    await page.getByLabel("At most", { exact: true }).fill("2");
    await page.getByLabel("running at once, per").fill("{{ input.customerId }}");
    await saved(page);
    await waitFor("the limit in the draft", async () => {
      const draft = (await (await engine.as("viewer")).get(`/workflows/${id}`)).json.draft;
      const limit = draft.nodes.find((n: { id: string }) => n.id === "call").concurrency;
      return limit?.limit === 2 && limit?.key === "{{ input.customerId }}";
    });
    expect(await node(page, "call").getByTestId("node-concurrency").textContent()).toBe("≤ 2 per key");
    await screenshot(page, "concurrency-limit");
    await page.context().close();
  });
});

describe("a workflow's limit of active runs", () => {
  it("is set on its Start step and shown there; a held run says why on its page and in /runs, and goes when a slot frees", async () => {
    const editor = await engine.as("editor");
    const operator = await engine.as("operator");
    const id = (await editor.post("/workflows", { name: "One at a time", definition: linear([{ id: "wait", type: "delay", name: "Wait an hour", config: { durationMs: 3_600_000 } }]) })).json.id as string;
    const page = await signedIn(browser, engine.web.url, "editor", `/workflows/${id}`);
    await node(page, "start").click();
    await page.getByLabel("Active runs at most").fill("1");
    await saved(page);
    await expect.poll(() => node(page, "start").getByTestId("node-max-runs").textContent()).toBe("≤ 1 run at once");
    await screenshot(page, "max-active-runs");
    await page.context().close();
    expect((await editor.post(`/workflows/${id}/versions`, { note: "one at a time" })).status).toBe(201);

    const first = await runWorkflow(editor, id);
    const second = await runWorkflow(editor, id);
    const run = await signedIn(browser, engine.web.url, "viewer", `/runs/${second}`);
    await expect.poll(() => run.getByTestId("run-held").textContent()).toContain("One at a time runs at most 1 run at once");
    await screenshot(run, "run-held");
    const list = await signedIn(browser, engine.web.url, "viewer", `/runs?workflowId=${id}`);
    await expect.poll(() => list.getByTestId("held-flag").count()).toBe(1);
    await list.context().close();
    // The first one ends: the second is admitted, and its page says so at once.
    expect((await operator.post(`/runs/${first}/cancel`, {})).status).toBe(200);
    await run.getByTestId("run-held").waitFor({ state: "detached", timeout: 15_000 });
    await expect.poll(() => run.getByTestId("run-progress").textContent()).toContain("of 3 steps");
    await run.context().close();
  });
});

describe("progress", () => {
  it("of a Code step shows on its node and on the run's header while it runs", async () => {
    const editor = await engine.as("editor");
    const code = `for (let part = 1; part <= 8; part++) {
        const until = Date.now() + 1500;
        while (Date.now() < until) {}
        await progress(part * 12.5, "batch " + part + " of 8");
      }
      return 8;`;
    const id = await publish(editor, linear([{ id: "script", type: "code", name: "Import rows", config: { code, timeoutMs: 30_000 } }]), "Imports in batches");
    const run = await signedIn(browser, engine.web.url, "viewer", "/runs");
    const runId = await runWorkflow(editor, id);
    await run.goto(`${engine.web.url}/runs/${runId}`);
    await expect.poll(() => node(run, "script").getByTestId("node-progress").textContent(), { timeout: 15_000 }).toMatch(/^\d+ % · batch [1-7] of 8$/);
    expect(await run.getByTestId("run-progress").textContent()).toMatch(/of 3 steps · batch [1-8] of 8/);
    await screenshot(run, "code-progress");
    expect((await waitForRun(editor, runId, undefined, 40_000)).status).toBe("succeeded");
    await run.context().close();
  });
});

describe("a dependency's concurrency limit", () => {
  it("is set on /dependencies and shown with the calls in flight", async () => {
    const operator = await engine.as("operator");
    expect((await operator.put("/dependencies/warehouse-api", { failureThreshold: 20 })).status).toBe(200);
    const page = await signedIn(browser, engine.web.url, "operator", "/dependencies");
    const row = page.getByTestId("dependency-warehouse-api");
    await row.getByRole("button", { name: "warehouse-api" }).click();
    const panel = page.getByTestId("dependency-panel");
    await panel.getByLabel("Calls at once (empty: no limit)").fill("3");
    await panel.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => row.getByTestId("limits").textContent()).toBe("0 of at most 3 at once");
    expect((await operator.get("/dependencies/warehouse-api")).json.settings.maxConcurrent).toBe(3);
    await page.context().close();
  });
});

describe("a for-each with a drawn step", () => {
  it("is drawn from the for-each's each-item handle; the run page shows the items' progress and lists them, the failed one with its error", async () => {
    const editor = await engine.as("editor");
    server.on("/bill", (req, _n, res) => {
      const { order } = JSON.parse(req.body) as { order: string };
      if (order === "B-2") return json(res, 422, { error: "order B-2 has no address" });
      json(res, 200, { billed: order });
    });
    const draft = {
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
        { id: "orders", type: "for_each", name: "Every order", position: { x: 300, y: 0 }, config: { items: "{{ input.orders }}", chunkSize: 10, parallelism: 2, onFailure: "continue" } },
        { id: "end", type: "end", position: { x: 600, y: 0 }, config: { output: "{{ steps.orders.output }}" } },
        { id: "bill", type: "http", name: "Bill order", position: { x: 300, y: 220 }, config: { method: "POST", url: `${server.url}/bill`, body: { order: "{{ item.id }}", position: "{{ index }}" } }, retry: { maxAttempts: 1 } },
      ],
      edges: [
        { id: "e1", source: "start", target: "orders" },
        { id: "e2", source: "orders", target: "end" },
      ],
    };
    const id = (await editor.post("/workflows", { name: "Bill every order", definition: draft })).json.id as string;
    const page = await signedIn(browser, engine.web.url, "editor", `/workflows/${id}`);
    await node(page, "orders").waitFor();
    // Neither a workflow nor a drawn step yet: the for-each says what it needs.
    await expect.poll(() => node(page, "orders").getAttribute("data-problems")).toBe("1");

    await connect(page, "orders", "bill", "each-item");
    await saved(page);
    await waitFor("the body edge in the draft", async () => (await draftOf(id)).edges.some((e) => e.source === "orders" && e.target === "bill" && e.kind === "body"));
    expect(await node(page, "bill").getByTestId("node-per-item").textContent()).toBe("each item of Every order");
    await expect.poll(() => node(page, "orders").getAttribute("data-problems")).toBe(null);
    // Drawn dotted, named for screen readers; the step stands apart: nothing follows it.
    const edge = page.locator('[aria-label="Each item: Bill order runs once per item of Every order"]');
    expect(await edge.first().locator("path.react-flow__edge-path").getAttribute("style")).toContain("stroke-dasharray");
    expect(await node(page, "bill").locator(".react-flow__handle.source").count()).toBe(0);
    await screenshot(page, "for-each-drawn-editor");
    expect((await editor.post(`/workflows/${id}/versions`, {})).status).toBe(201);
    await page.context().close();

    const orders = [{ id: "B-0" }, { id: "B-1" }, { id: "B-2" }, { id: "B-3" }];
    const runId = await runWorkflow(editor, id, { orders });
    const run = await waitForRun(editor, runId);
    expect(run.output).toMatchObject({ total: 4, succeeded: 3, failed: 1 });
    const view = await signedIn(browser, engine.web.url, "viewer", `/runs/${runId}?step=orders`);
    const items = view.getByTestId("for-each-items");
    await items.waitFor();
    await expect.poll(() => view.getByTestId("for-each-counts").textContent()).toBe("3 succeeded · 1 failed");
    expect(await items.getByTestId("item-2").textContent()).toMatch(/#2 \{"id":"B-2"\}.*HTTP 422/);
    await items.getByRole("radio", { name: /Failed/ }).click();
    await expect.poll(() => items.locator("li").count()).toBe(1);
    // The drawn step's node shows its for-each's items.
    expect(await node(view, "bill").getByTestId("node-progress").textContent()).toContain("4 of 4");
    await screenshot(view, "for-each-drawn-run");
    await view.goto(`${engine.web.url}/runs/${runId}?step=bill`);
    await expect.poll(() => view.getByTestId("step-panel").textContent()).toContain("Runs once per item of Every order");
    await view.context().close();
  });
});
