// A new person's first hour in the editor: no edit is lost on the way out, every refusal says
// why where it happened, steps added from the keyboard do not pile up, and the canvas opens at a
// size that can be read.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { definition, linear, publish, runWorkflow, waitForRun } from "../helpers/engine.ts";
import { screenshot, signedIn } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";
import { connect, node, saved, typeInto } from "../helpers/editor.ts";

const env = engineAndBrowser();

async function newWorkflow(name: string, def?: unknown): Promise<string> {
  const editor = await env.engine.as("editor");
  const created = await editor.post("/workflows", { name, ...(def ? { definition: def } : {}) });
  return created.json.id;
}

const openEditor = async (id: string) => {
  const page = await signedIn(env.browser, env.engine.web.url, "editor", `/workflows/${id}`);
  await node(page, "start").waitFor();
  return page;
};

/** The smallest text size on the canvas's steps as drawn, in CSS pixels (font size × zoom). */
const smallestText = (page: Page) =>
  page.evaluate(() => {
    const sizes: number[] = [];
    for (const card of document.querySelectorAll<HTMLElement>(".react-flow__node")) {
      const scale = card.getBoundingClientRect().width / card.offsetWidth;
      for (const el of card.querySelectorAll<HTMLElement>("span")) {
        if (!el.textContent?.trim() || el.offsetParent === null) continue;
        sizes.push(parseFloat(getComputedStyle(el).fontSize) * scale);
      }
    }
    return Math.min(...sizes);
  });
const zoom = (page: Page) => page.evaluate(() => new DOMMatrix(getComputedStyle(document.querySelector(".react-flow__viewport")!).transform).a);

describe("leaving the editor", () => {
  it("saves a change made just before clicking away, instead of losing it", async () => {
    const id = await newWorkflow("Quick leave", linear([{ id: "shape", type: "transform", config: { output: { a: 1 } } }]));
    const page = await openEditor(id);
    await node(page, "shape").click();
    await page.getByLabel("Name", { exact: true }).fill("Shape the order");
    // At once, well within the autosave's pause.
    await page.getByRole("link", { name: "Workflows /" }).click();
    await page.waitForURL(`${env.engine.web.url}/workflows`);
    const draft = (await (await env.engine.as("viewer")).get(`/workflows/${id}`)).json.draft;
    expect(draft.nodes.find((n: { id: string }) => n.id === "shape").name).toBe("Shape the order");
    await page.context().close();
  });

  it("saves when the editor is left with the back button", async () => {
    const id = await newWorkflow("Back button", linear([{ id: "shape", type: "transform", config: { output: { a: 1 } } }]));
    // Into the editor and back out within the app, as a person clicking around would.
    const page = await signedIn(env.browser, env.engine.web.url, "editor", "/workflows");
    await page.getByRole("link", { name: "Back button" }).click();
    await node(page, "shape").click();
    await page.getByLabel("Name", { exact: true }).fill("Left by going back");
    await page.goBack();
    await page.waitForURL(`${env.engine.web.url}/workflows`);
    await expect.poll(async () => (await (await env.engine.as("viewer")).get(`/workflows/${id}`)).json.draft.nodes.find((n: { id: string }) => n.id === "shape").name).toBe("Left by going back");
    await page.context().close();
  });
});

describe("refusals say why, where they happen", () => {
  it("explains a connection that would close a loop, by the cursor", async () => {
    const spaced = linear([{ id: "a", type: "transform", config: { output: 1 } }, { id: "b", type: "transform", config: { output: 2 } }]);
    spaced.nodes.forEach((n, i) => (n.position = { x: i * 320, y: 0 }));
    const page = await openEditor(await newWorkflow("Loop", spaced));
    const before = await page.locator(".react-flow__edge").count();
    await connect(page, "b", "a", undefined, { refused: true });
    await expect.poll(() => page.getByTestId("toast").textContent()).toBe("That connection would close a loop (a → b → a). A workflow runs forward only; repeat work with a loop step instead.");
    expect(await page.locator(".react-flow__edge").count()).toBe(before);
    await screenshot(page, "editor-refused-loop");
    await page.context().close();
  });

  it("keeps an id another step has in the field, saying so, and does not rename", async () => {
    const id = await newWorkflow("Ids", linear([{ id: "a", type: "transform", config: { output: 1 } }, { id: "b", type: "transform", config: { output: 2 } }]));
    const page = await openEditor(id);
    await node(page, "b").click();
    const field = page.getByLabel("Id (used in templates)");
    await field.fill("a");
    await field.press("Enter");
    await expect.poll(() => page.getByText("Another step already has the id “a”; choose another.").isVisible()).toBe(true);
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await node(page, "b").count()).toBe(1);
    await page.context().close();
  });

  it("refuses an empty workflow name, keeps the old one, and saves a rename on Enter", async () => {
    const id = await newWorkflow("Named");
    const page = await openEditor(id);
    const name = page.getByLabel("Workflow name");
    await name.fill("");
    await name.press("Tab");
    await expect.poll(() => page.locator("#name-error").textContent()).toBe("Give the workflow a name; it is still “Named”.");
    expect((await (await env.engine.as("viewer")).get(`/workflows/${id}`)).json.name).toBe("Named");
    await name.fill("Renamed by Enter");
    await name.press("Enter");
    await expect.poll(async () => (await (await env.engine.as("viewer")).get(`/workflows/${id}`)).json.name).toBe("Renamed by Enter");
    await expect.poll(() => page.locator("#name-error").count()).toBe(0);
    await page.context().close();
  });
});

describe("templates and publishing", () => {
  it("marks unclosed templates and references to steps that do not run first, on the step", async () => {
    const id = await newWorkflow("Templates", linear([{ id: "a", type: "transform", config: { output: { open: "{{ ", later: "{{ steps.b.output }}", ghost: "{{ steps.nope.output }}" } } }, { id: "b", type: "transform", config: { output: 1 } }]));
    const page = await openEditor(id);
    await expect.poll(() => node(page, "a").getAttribute("data-problems")).toBe("3");
    await node(page, "a").click();
    // Under the field that holds them.
    const panel = page.getByRole("complementary", { name: "Inspector" });
    await expect.poll(() => panel.textContent()).toContain("A {{ is never closed: end the template with }}.");
    expect(await panel.textContent()).toContain("There is no step with the id “nope” for steps.nope to read; check the id.");
    expect(await panel.textContent()).toContain("This reads steps.b, the output of “b”, which does not run before this step;");
    expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);
    await screenshot(page, "editor-template-problems");
    await page.context().close();
  });

  it("says there is nothing new to publish, until something changes", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(editor, linear([{ id: "a", type: "transform", config: { output: 1 } }]), "Published once");
    const page = await openEditor(id);
    await expect.poll(() => page.locator("#publish-blocker").textContent()).toBe("No changes since version 1.");
    expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);
    await node(page, "a").click();
    await page.getByLabel("Name", { exact: true }).fill("Changed");
    await expect.poll(() => page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(false);
    await page.context().close();
  });
});

describe("messages", () => {
  it("tell a person signing in with an empty form what to enter", async () => {
    const page = await (await env.browser.newContext()).newPage();
    await page.goto(`${env.engine.web.url}/login`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("form").getByRole("alert").textContent()).toBe("Enter your email. Enter your password.");
    await page.context().close();
  });
});

describe("testing a step and previewing templates", () => {
  it("previews a template against the last run as it is typed, tests the step alone, and pins its output", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(
      editor,
      linear([
        { id: "price", type: "transform", config: { output: { amount: "{{ input.amount }}" } } },
        { id: "tax", type: "transform", config: { output: "{{ steps.price.output.amount * 0.2 }}" } },
      ]),
      "Tested steps",
    );
    const runId = await runWorkflow(editor, id, { amount: 50 });
    await waitForRun(editor, runId);
    const runsBefore = await env.engine.db.prisma.run.count();
    const page = await openEditor(id);

    await node(page, "tax").click();
    const panel = page.getByTestId("step-test");
    await expect.poll(() => panel.getByTestId("sample-origin").textContent()).toBe(`the last run (${runId.slice(0, 8)})`);
    await expect.poll(() => page.getByTestId("preview-output").textContent()).toBe("Preview: 10");
    await typeInto(page.getByRole("textbox", { name: "Output" }), '"{{ steps.price.output.amount * 0.5 }}"');
    await expect.poll(() => page.getByTestId("preview-output").textContent()).toBe("Preview: 25");
    await typeInto(page.getByRole("textbox", { name: "Output" }), "\"{{ $number('x') }}\"");
    await expect.poll(() => page.getByTestId("preview-output").textContent()).toMatch(/^Preview fails: .*Unable to cast value to a number/);
    await typeInto(page.getByRole("textbox", { name: "Output" }), '"{{ steps.price.output.amount * 0.5 }}"');

    // The step as it is in the editor now, unsaved or not.
    await panel.getByRole("button", { name: "Test step" }).click();
    const result = panel.getByTestId("step-test-result");
    await expect.poll(() => result.getAttribute("data-status"), { timeout: 30_000 }).toBe("succeeded");
    expect(await result.getByRole("status").textContent()).toMatch(/^Succeeded in \d+ ms/);
    expect(await result.getByLabel("Output", { exact: true }).textContent()).toBe("25");
    expect(await env.engine.db.prisma.run.count()).toBe(runsBefore);

    // Pin the price step's output: the tax step's preview now reads it.
    await node(page, "price").click();
    await page.getByTestId("step-test").getByRole("button", { name: "Test step" }).click();
    await expect.poll(() => page.getByTestId("step-test-result").getAttribute("data-status"), { timeout: 30_000 }).toBe("succeeded");
    await page.getByRole("button", { name: "Pin this output as the sample" }).click();
    await expect.poll(() => page.getByTestId("pinned-sample").textContent()).toMatch(/^Output pinned by/);
    await screenshot(page, "step-test", "docs/step-test.png");
    expect(await env.engine.db.prisma.stepSample.findMany({ where: { workflowId: id } })).toEqual([expect.objectContaining({ nodeId: "price", output: { amount: 50 } })]);

    // Your own sample wins over the workflow's.
    await node(page, "tax").click();
    await page.getByTestId("step-test").getByRole("button", { name: "Edit" }).click();
    await typeInto(page.getByRole("textbox", { name: "Sample data (JSON)" }), '{"steps": {"price": {"output": {"amount": 8}}}}');
    await expect.poll(() => page.getByTestId("preview-output").textContent()).toBe("Preview: 4");
    expect(await page.getByTestId("sample-origin").textContent()).toBe("the sample you wrote");
    await page.context().close();
  });

  it("shows why a test failed", async () => {
    const id = await newWorkflow("Failing test", linear([{ id: "call", type: "http", config: { url: `${env.engine.web.url}/api/v1/nope` } }]));
    const page = await openEditor(id);
    await node(page, "call").click();
    await page.getByTestId("step-test").getByRole("button", { name: "Test step" }).click();
    const result = page.getByTestId("step-test-result");
    await expect.poll(() => result.getAttribute("data-status"), { timeout: 30_000 }).toBe("failed");
    expect(await result.getByTestId("step-test-error").textContent()).toContain("HTTP 404");
    expect(await page.getByTestId("step-test").textContent()).toContain("Sends the request for real.");
    await page.context().close();
  });
});

describe("quick add", () => {
  /** start → a, spaced out so that there is room between and after them. */
  const spaced = (extra: { id: string; type: string; config?: object; x: number; y?: number }[] = [], edges: [string, string, string?][] = [["start", "a"]]) => ({
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
      { id: "a", type: "transform", position: { x: 500, y: 0 }, config: { output: 1 } },
      ...extra.map(({ x, y = 0, config = {}, ...n }) => ({ ...n, position: { x, y }, config })),
    ],
    edges: edges.map(([source, target, sourceHandle], i) => ({ id: `e${i}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) })),
  });
  const draftOf = async (id: string) => (await (await env.engine.as("viewer")).get(`/workflows/${id}`)).json.draft as { nodes: { id: string; type: string }[]; edges: { source: string; target: string; sourceHandle?: string }[] };
  const links = (draft: Awaited<ReturnType<typeof draftOf>>) => draft.edges.map((e) => `${e.source}${e.sourceHandle ? `:${e.sourceHandle}` : ""}>${e.target}`).sort();

  it("adds and connects a step where a connection dragged from an output is dropped on empty canvas", async () => {
    const id = await newWorkflow("Drag to add", spaced());
    const page = await openEditor(id);
    const handle = (await node(page, "a").locator(".react-flow__handle.source.react-flow__handle-right").boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    // Down and back to the left, onto empty canvas below the steps.
    await page.mouse.move(handle.x - 100, handle.y + 120, { steps: 10 });
    await page.locator(".react-flow__connection").waitFor();
    await page.mouse.move(handle.x - 200, handle.y + 160, { steps: 5 });
    await page.mouse.up();
    const picker = page.getByRole("dialog", { name: "Add a step after a" });
    await picker.getByRole("searchbox", { name: "Search steps" }).fill("trans");
    expect(await picker.getByRole("option").allTextContents()).toEqual(["Transform"]);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(3);
    await saved(page);
    expect(links(await draftOf(id))).toEqual(["a>transform_1", "start>a"]);
    await page.context().close();
  });

  it("adds a step after a branch from its “+”, and inserts a dropped step into a connection", async () => {
    const id = await newWorkflow("Plus and insert", spaced([{ id: "check", type: "condition", config: { expression: "true" }, x: 1000 }], [["start", "a"], ["a", "check"]]));
    const page = await openEditor(id);
    // Onto the connection between start and a: it goes in between.
    const edge = page.locator('.react-flow__edge[data-id="e0"] .react-flow__edge-interaction');
    const box = (await edge.boundingBox())!;
    const canvas = (await page.getByTestId("canvas").boundingBox())!;
    await page.getByTestId("palette-delay").dragTo(page.getByTestId("canvas"), { targetPosition: { x: box.x + box.width / 2 - canvas.x, y: box.y + box.height / 2 - canvas.y } });
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(4);
    // The insert is saved before the next change (on a busy machine the save's answer came while
    // the picker below was opening).
    await saved(page);

    const picker = page.getByRole("dialog", { name: "Add a step after check (false)" });
    for (let attempt = 0; attempt < 3 && !(await picker.isVisible()); attempt++) {
      await page.getByRole("button", { name: "Add a step after check on its false branch" }).click();
      await picker.waitFor({ timeout: 5_000 }).catch(() => undefined);
    }
    await picker.waitFor({ timeout: 1_000 });
    await screenshot(page, "quick-add");
    await picker.getByRole("option", { name: "End" }).click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(5);
    await saved(page);
    expect(links(await draftOf(id))).toEqual(["a>check", "check:false>end_1", "delay_1>a", "start>delay_1"]);
    await page.context().close();
  });

  it("finds a step type in the palette's search and adds it with Enter", async () => {
    const id = await newWorkflow("Palette search", spaced());
    const page = await openEditor(id);
    await page.getByRole("searchbox", { name: "Search step types" }).fill("duration");
    expect(await page.getByRole("complementary", { name: "Step types" }).getByRole("listitem").allTextContents()).toEqual([expect.stringMatching(/^Delay/)]);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(3);
    await page.getByRole("searchbox", { name: "Search step types" }).fill("teleport");
    expect(await page.getByRole("complementary", { name: "Step types" }).textContent()).toContain("No step type matches “teleport”.");
    await page.context().close();
  });

  it("selects, moves, connects and adds steps from the keyboard alone", async () => {
    const id = await newWorkflow("Keyboard only", spaced([{ id: "b", type: "transform", config: { output: 2 }, x: 1000 }]));
    const page = await openEditor(id);
    // Tab to a step and select it: the side panel opens on it.
    await node(page, "start").waitFor();
    const a = page.locator('.react-flow__node[data-id="a"]');
    await a.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("complementary", { name: "Inspector" }).getByLabel("Id", { exact: false }).first().inputValue()).toBe("a");
    // Arrow keys move it.
    const before = await a.boundingBox();
    await page.keyboard.press("ArrowDown");
    await expect.poll(async () => (await a.boundingBox())!.y).toBeGreaterThan(before!.y);
    // Connect it to b from the side panel.
    await page.getByRole("combobox", { name: "Connect to step" }).selectOption({ label: "b" });
    await page.getByRole("button", { name: "Connect", exact: true }).press("Enter");
    await expect.poll(() => page.getByRole("list", { name: "Connections from this step" }).textContent()).toContain("→ b");
    // Start takes no input: it is not offered.
    expect(await page.getByRole("combobox", { name: "Connect to step" }).locator("option").allTextContents()).not.toContain("start");
    // Add the next step through the picker, by keyboard.
    await page.getByRole("button", { name: "+ Add a new step after this one" }).press("Enter");
    await page.getByRole("dialog", { name: "Add a step after a" }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Search steps");
    await page.keyboard.type("end");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(4);
    await saved(page);
    expect(links(await draftOf(id))).toEqual(["a>b", "a>end_1", "start>a"]);
    await page.context().close();
  });
});

describe("the workflows list", () => {
  it("shows each workflow's last run and its day, and runs one from its row", async () => {
    const editor = await env.engine.as("editor");
    const wid = await publish(editor, linear([{ id: "ok", type: "transform", config: { output: "{{ input.n }}" } }]), "Listed with runs");
    await waitForRun(editor, await runWorkflow(editor, wid, { n: 1 }));
    // A second workflow that never ran, and a draft that cannot run.
    await publish(editor, linear([{ id: "idle", type: "transform", config: { output: 1 } }]), "Listed never run");
    await newWorkflow("Listed draft");

    const page = await signedIn(env.browser, env.engine.web.url, "operator", "/workflows?q=Listed");
    const row = (name: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
    await page.getByRole("searchbox", { name: "Search workflows" }).fill("Listed");
    await expect.poll(() => row("Listed with runs").getByTestId("success-rate").textContent()).toBe("100% of 1 succeeded");
    expect(await row("Listed with runs").getByTestId("last-run").textContent()).toMatch(/^succeeded/);
    expect(await row("Listed never run").getByTestId("last-run").textContent()).toBe("never run");
    expect(await row("Listed never run").getByTestId("success-rate").textContent()).toBe("no runs");
    expect(await row("Listed draft").getByRole("button", { name: "Run Listed draft" }).isDisabled()).toBe(true);
    await screenshot(page, "workflows-list");

    await row("Listed with runs").getByRole("button", { name: "Run Listed with runs" }).click();
    const dialog = page.getByRole("dialog", { name: "Run “Listed with runs”, version 1" });
    await typeInto(dialog.getByRole("textbox", { name: "Run input (JSON)" }), '{"n": 2}');
    await dialog.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => dialog.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("succeeded");
    await page.keyboard.press("Escape");
    // Closing refreshes the row with the run just made.
    await expect.poll(() => row("Listed with runs").getByTestId("success-rate").textContent()).toBe("100% of 2 succeeded");
    expect(await env.engine.db.prisma.run.count({ where: { workflowId: wid } })).toBe(2);
    await page.context().close();
  });
});

describe("adding steps from the keyboard", () => {
  it("places each new step beside the last, never on another", async () => {
    const id = await newWorkflow("Keyboard");
    const page = await openEditor(id);
    for (const type of ["transform", "condition", "delay", "end"]) {
      await page.getByTestId(`palette-${type}`).focus();
      await page.keyboard.press("Enter");
    }
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(5);
    const boxes = await page.locator(".react-flow__node").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        expect(apart, `steps ${i} and ${j} overlap`).toBe(true);
      }
    }
    await saved(page);
    await page.context().close();
  });
});

describe("a readable canvas", () => {
  it("opens a large workflow with text of at least 11 px, and does not blow a small one up", async () => {
    const many = Array.from({ length: 24 }, (_, i) => ({ id: `t${i}`, type: "transform", config: { output: i } }));
    const big = await openEditor(await newWorkflow("Big", linear(many)));
    await big.getByRole("button", { name: "Auto-layout" }).click();
    await expect.poll(() => smallestText(big)).toBeGreaterThanOrEqual(11);
    await big.getByRole("button", { name: "Fit View" }).click();
    await expect.poll(() => smallestText(big)).toBeGreaterThanOrEqual(11);
    await big.context().close();

    const loose = definition([{ id: "start", type: "start" }, { id: "a", type: "transform", config: { output: 1 } }, { id: "b", type: "transform", config: { output: 2 } }], []);
    const small = await openEditor(await newWorkflow("Loose", loose));
    await small.getByRole("button", { name: "Fit View" }).click();
    await expect.poll(() => zoom(small)).toBeLessThanOrEqual(1.25);
    await small.context().close();
  });

  it("draws a run of a large workflow at a readable size too", async () => {
    const editor = await env.engine.as("editor");
    const many = Array.from({ length: 16 }, (_, i) => ({ id: `t${i}`, type: "transform", config: { output: i } }));
    const workflowId = await publish(editor, linear(many), "Big run");
    const runId = await runWorkflow(editor, workflowId);
    await waitForRun(editor, runId);
    const page = await signedIn(env.browser, env.engine.web.url, "viewer", `/runs/${runId}`);
    await node(page, "t0").waitFor();
    await expect.poll(() => smallestText(page)).toBeGreaterThanOrEqual(11);
    await page.context().close();
  });
});
