// The editor in Chromium with real pointer events: build a workflow from the palette, connect
// and configure it, watch validation, undo and redo, publish, run; export and import; two tabs.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { publish, linear } from "../helpers/engine.ts";
import { screenshot, signedIn as signInAs } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";
import { connect, dropStep, node, saved, typeInto } from "../helpers/editor.ts";
import type { Role } from "../../lib/auth/permissions.ts";

const env = engineAndBrowser();

const signedIn = (role: Role, path?: string) => signInAs(env.browser, env.engine.web.url, role, path);

describe("designing a workflow", () => {
  it("builds, validates, undoes, publishes and runs a workflow made with the mouse", async () => {
    const page = await signedIn("editor");
    // The header's button (an empty list offers a second one).
    await page.getByRole("button", { name: "New workflow" }).first().click();
    await page.getByRole("dialog").getByLabel("Name").fill("Greeter");
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await node(page, "start").waitFor();

    // Three step types from the palette, dropped around the start node with room between them.
    await page.getByRole("button", { name: "Zoom Out" }).click();
    await page.getByRole("button", { name: "Zoom Out" }).click();
    const start = (await node(page, "start").boundingBox())!;
    const [cx, cy] = [start.x + start.width / 2, start.y + start.height / 2];
    await dropStep(page, "transform", cx, cy - 160);
    await dropStep(page, "delay", cx + 60, cy + 160);
    await dropStep(page, "end", cx + 260, cy);
    for (const id of ["transform_1", "delay_1", "end_1"]) await node(page, id).waitFor();
    // Unconnected, they cannot be reached: the problems say so on each node, and in the list,
    // where a click selects the step.
    await expect.poll(() => node(page, "end_1").getAttribute("data-problems")).toBe("1");
    expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);
    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
    await page.getByTestId("problems").getByRole("button", { name: /end_1/ }).click();
    await expect.poll(() => page.getByRole("complementary", { name: "Inspector" }).getByRole("heading", { level: 2 }).textContent()).toBe("End");
    await page.getByRole("button", { name: "Fit View" }).click();
    await page.waitForTimeout(300);

    await connect(page, "start", "transform_1");
    await connect(page, "transform_1", "delay_1");
    await connect(page, "delay_1", "end_1");
    await screenshot(page, "editor-connected");
    await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(3);
    await expect.poll(() => node(page, "end_1").getAttribute("data-problems")).toBeNull();

    // Configure: the transform builds a greeting from the input; the end returns it.
    await node(page, "transform_1").click();
    await typeInto(page.getByRole("textbox", { name: "Output" }), '{"greeting": "hello {{ input.name }}"}');
    await node(page, "end_1").click();
    await typeInto(page.getByRole("textbox", { name: "Run output" }), '"{{ steps.transform_1.output.greeting }}"');

    // A validation error appears and disappears as the delay's duration goes and comes back.
    await node(page, "delay_1").click();
    const duration = page.getByLabel("Duration (ms)");
    await duration.fill("");
    await expect.poll(() => node(page, "delay_1").getAttribute("data-problems")).toBe("1");
    expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);
    await duration.fill("200");
    await expect.poll(() => node(page, "delay_1").getAttribute("data-problems")).toBeNull();

    // Undo and redo, by keyboard: delete the end step, bring it back, remove it again, restore.
    await node(page, "end_1").click();
    await page.keyboard.press("Delete");
    await expect.poll(() => node(page, "end_1").count()).toBe(0);
    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("ControlOrMeta+z");
    await expect.poll(() => node(page, "end_1").count()).toBe(1);
    await page.keyboard.press("ControlOrMeta+Shift+z");
    await expect.poll(() => node(page, "end_1").count()).toBe(0);
    await page.getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => node(page, "end_1").count()).toBe(1);
    await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(3);

    await saved(page);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByLabel(/Note/).fill("first cut");
    await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Published" }).textContent()).toBe("Published version 1");

    await page.getByRole("button", { name: "Run", exact: true }).click();
    await typeInto(page.getByRole("textbox", { name: "Run input (JSON)" }), '{"name": "Ada"}');
    await page.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("succeeded");
    await page.getByRole("link", { name: "Open run" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").at(-1)!;
    expect((await (await env.engine.as("viewer")).get(`/runs/${runId}`)).json.output).toBe("hello Ada");
    await expect.poll(() => node(page, "end_1").getAttribute("data-status")).toBe("succeeded");
  });

  it("copies and pastes steps with fresh ids, and lays them out", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }]), "Copy me");
    const page = await signedIn("editor", `/workflows/${id}`);
    await node(page, "a").click();
    await page.keyboard.press("ControlOrMeta+c");
    await page.keyboard.press("ControlOrMeta+v");
    await node(page, "transform_1").waitFor();
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await saved(page);
    const draft = (await editor.get(`/workflows/${id}`)).json.draft;
    expect(draft.nodes.map((n: { id: string }) => n.id).sort()).toEqual(["a", "end", "start", "transform_1"]);
    expect(draft.nodes.find((n: { id: string }) => n.id === "transform_1").config).toEqual({ output: 1 });
  });
});

describe("the example workflow", () => {
  it("is drawn with every step and edge, and its condition shows both branches", async () => {
    const { examples } = await import("../../lib/db/examples.ts");
    const example = examples[0];
    const editor = await env.engine.as("editor");
    const id = await publish(editor, example.definition, example.name);
    const page = await signedIn("editor", `/workflows/${id}`);
    await node(page, "check_amount").click();
    expect(await page.locator(".react-flow__node").count()).toBe(example.definition.nodes.length);
    expect(await page.locator(".react-flow__edge").count()).toBe(example.definition.edges.length);
    expect(await node(page, "check_amount").locator('.react-flow__handle.source[data-handleid="true"]').count()).toBe(1);
    expect(await node(page, "check_amount").locator('.react-flow__handle.source[data-handleid="false"]').count()).toBe(1);
    expect(await page.getByRole("textbox", { name: "Expression" }).textContent()).toBe("input.amount > 100");
    // Kept in the repository: the README shows it.
    await screenshot(page, "editor", "docs/editor.png");
  });
});

describe("files", () => {
  it("exports a workflow and imports it back as the same definition", async () => {
    const editor = await env.engine.as("editor");
    const source = await publish(editor, linear([{ id: "x", type: "transform", config: { output: { deep: ["{{ input.a }}", 2] } }, retry: { maxAttempts: 5 } }]), "Round trip");
    const page = await signedIn("editor", `/workflows/${source}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
    const file = await download.path();
    const exported = JSON.parse(await readFile(file, "utf8"));
    expect(exported).toMatchObject({ format: "baton.workflow", formatVersion: 1, name: "Round trip" });

    await page.goto(`${env.engine.web.url}/workflows`);
    await page.getByTestId("import-file").setInputFiles(file);
    // The name is taken (the source is still there): it comes in as a copy, after asking.
    await page.getByRole("dialog", { name: "A workflow named “Round trip” already exists" }).waitFor();
    await page.getByRole("button", { name: "Import as “Round trip (2)”" }).click();
    await page.waitForURL((u) => /\/workflows\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(source));
    const imported = page.url().split("/").at(-1)!;
    const [a, b] = await Promise.all([editor.get(`/workflows/${source}`), editor.get(`/workflows/${imported}`)]);
    expect(b.json.draft).toEqual(a.json.draft);
    expect(b.json.name).toBe("Round trip (2)");
  });

  it("refuses a malformed or foreign file, saying why, and creates nothing", async () => {
    const page = await signedIn("editor");
    const before = await env.engine.db.prisma.workflow.count();
    await page.getByTestId("import-file").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{ nope") });
    await expect.poll(() => page.getByRole("alert").filter({ hasNotText: /^$/ }).first().textContent()).toContain("broken.json is not JSON");
    await page.getByTestId("import-file").setInputFiles({ name: "package.json", mimeType: "application/json", buffer: Buffer.from('{"name": "left-pad", "version": "1.0.0"}') });
    await expect.poll(() => page.getByRole("alert").filter({ hasNotText: /^$/ }).first().textContent()).toContain("is not a Baton workflow");
    await page.getByTestId("import-file").setInputFiles({
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({ format: "baton.workflow", formatVersion: 1, name: "Bad", definition: { nodes: [{ id: "1x" }], edges: [] } })),
    });
    await expect.poll(() => page.getByRole("alert").filter({ hasNotText: /^$/ }).first().textContent()).toContain("definition.nodes.0");
    expect(await env.engine.db.prisma.workflow.count()).toBe(before);
  });
});

describe("collaboration and roles", () => {
  it("stops a second tab from overwriting the first, and lets it load the first's version", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }]), "Two tabs");
    const one = await signedIn("editor", `/workflows/${id}`);
    const two = await signedIn("editor", `/workflows/${id}`);

    await node(one, "a").click();
    await one.getByLabel("Name", { exact: true }).fill("From tab one");
    await saved(one);

    await node(two, "a").click();
    await two.getByLabel("Name", { exact: true }).fill("From tab two");
    await expect.poll(() => two.getByTestId("save-status").getAttribute("data-status"), { timeout: 15_000 }).toBe("conflict");
    expect(await two.getByRole("alert").filter({ hasText: "another tab" }).textContent()).toContain("saved in another tab");
    expect((await editor.get(`/workflows/${id}`)).json.draft.nodes.find((n: { id: string }) => n.id === "a").name).toBe("From tab one");

    await two.getByRole("button", { name: "Load their version" }).click();
    await expect.poll(() => node(two, "a").textContent()).toContain("From tab one");
    await saved(two);
  });

  it("shows the server's reasons on the nodes when it refuses to publish", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }]), "Server says no");
    const page = await signedIn("editor", `/workflows/${id}`);
    await node(page, "a").waitFor();
    // A change here, so that there is something to publish; saved.
    await node(page, "a").click();
    await page.getByLabel("Name", { exact: true }).fill("Step a");
    await saved(page);
    // Someone saves a broken draft behind this editor's back (its autosave has nothing to send).
    const current = (await editor.get(`/workflows/${id}`)).json.draft;
    current.nodes.find((n: { id: string }) => n.id === "a").config.colour = "red";
    await editor.put(`/workflows/${id}/draft`, { definition: current });
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => page.getByRole("dialog").getByRole("alert").textContent()).toContain("marked on the steps");
    await expect.poll(() => node(page, "a").getAttribute("data-problems")).toBe("1");
    expect(await node(page, "a").getAttribute("title")).toContain("Remove “colour”: it is not a setting here.");
  });

  it("is read-only for a viewer", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }]), "Look only");
    const page = await signedIn("viewer", `/workflows/${id}`);
    await node(page, "a").click();
    expect(await page.getByText("Read-only").isVisible()).toBe(true);
    expect(await page.getByTestId("palette-transform").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Publish", exact: true }).count()).toBe(0);
    expect(await page.getByLabel("Name", { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Run", exact: true }).count()).toBe(0);
  });
});

describe("versions", () => {
  it("lists versions, opens one read-only and highlights what changed between two", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }, { id: "b", type: "transform", config: { output: 2 } }]), "Versioned");
    const v2 = linear([{ id: "a", type: "transform", config: { output: 10 } }, { id: "c", type: "delay", config: { durationMs: 5 } }]);
    await editor.put(`/workflows/${id}/draft`, { definition: v2 });
    await editor.post(`/workflows/${id}/versions`, { note: "second" });
    const page = await signedIn("editor", `/workflows/${id}`);
    await page.getByRole("button", { name: /Versions/ }).click();
    const list = page.getByRole("list", { name: "Versions" });
    expect(await list.getByRole("listitem").count()).toBe(2);
    expect(await list.textContent()).toContain("second");
    await page.getByRole("link", { name: "Compare" }).click();
    await page.waitForURL(/compare\?from=1&to=2/);
    await expect.poll(() => node(page, "c").getAttribute("data-diff")).toBe("added");
    expect(await node(page, "b").getAttribute("data-diff")).toBe("removed");
    expect(await node(page, "a").getAttribute("data-diff")).toBe("changed");
    expect(await page.getByTestId("diff-a").getByTestId("diff-field").allTextContents()).toEqual(["config.outputwas 1now 10"]);
    await screenshot(page, "compare");
    await page.goto(`${env.engine.web.url}/workflows/${id}/versions/1`);
    await node(page, "b").waitFor();
    expect(await page.getByText("Read-only").isVisible()).toBe(true);
  });
});
