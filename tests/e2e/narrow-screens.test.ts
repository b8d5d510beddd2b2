// Baton on a phone-sized window (390×844): the navigation folds into a menu, tables become
// cards, the run page stacks with every command in reach, and nothing scrolls sideways.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { linear, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { launchBrowser, PHONE, screenshot, signedIn } from "../helpers/browser.ts";

let engine: Engine;
let browser: Browser;
let failedRun: string;
let workflowId: string;

beforeAll(async () => {
  [engine, browser] = await Promise.all([startEngine(), launchBrowser()]);
  const editor = await engine.as("editor");
  workflowId = await publish(
    editor,
    linear([
      { id: "price", type: "transform", name: "Price the order", config: { output: { amount: "{{ input.amount }}" } } },
      { id: "charge", type: "transform", name: "Charge the card", config: { output: "{{ $number('not a number') }}" } },
    ]),
    "Phone checkout",
  );
  failedRun = await runWorkflow(editor, workflowId, { amount: 12 });
  await waitForRun(editor, failedRun, ["failed"]);
});
afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

const onPhone = (path: string, role: "operator" | "editor" = "operator") => signedIn(browser, engine.web.url, role, path, PHONE);

/** How far the page scrolls sideways: 0 when everything fits the window's width. */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe("on a phone", () => {
  it("stacks the run page with every command in reach, and nothing scrolls sideways", async () => {
    const page = await onPhone(`/runs/${failedRun}`);
    await expect.poll(() => page.getByTestId("run-status").textContent()).toBe("failed");
    expect(await sideways(page)).toBe(0);

    // Header, canvas, steps, tabs: one under the other, each the window's width.
    const canvas = (await page.getByLabel("Workflow with step states").boundingBox())!;
    const steps = (await page.getByRole("complementary", { name: "Steps" }).boundingBox())!;
    const tabs = (await page.getByRole("tablist", { name: "Run details" }).boundingBox())!;
    expect(canvas.width).toBeGreaterThan(350);
    expect(canvas.height).toBeGreaterThan(300);
    expect(steps.y).toBeGreaterThanOrEqual(canvas.y + canvas.height - 1);
    expect(tabs.y).toBeGreaterThanOrEqual(steps.y + steps.height - 1);
    for (const tab of await page.getByRole("tab").all()) expect((await tab.boundingBox())!.width).toBeGreaterThan(50);
    await screenshot(page, "run-phone");
    await page.screenshot({ path: "docs/run-phone.png", fullPage: true });

    // Run commands: each opens its confirmation.
    for (const [testId, dialog] of [
      ["rerun", "Re-run with an edited input"],
      ["resume-run", "Resume this run?"],
    ]) {
      await page.getByTestId(testId).click();
      await page.getByRole("dialog", { name: dialog }).waitFor();
      await page.keyboard.press("Escape");
    }
    // A step from the list (the click reaches it), then its commands.
    await page.getByTestId("step-charge").click();
    await expect.poll(() => page.getByTestId("step-panel-status").textContent()).toBe("failed");
    for (const [testId, dialog] of [
      ["retry-step", "Retry “Charge the card”?"],
      ["skip-step", "Skip “Charge the card”?"],
      ["replay-step", "Replay from “Charge the card”?"],
    ]) {
      await page.getByTestId(testId).click();
      await page.getByRole("dialog", { name: dialog }).waitFor();
      await page.keyboard.press("Escape");
    }
    expect(await sideways(page)).toBe(0);
    await page.getByRole("tab", { name: /Audit log/ }).click();
    await expect.poll(() => page.getByTestId("audit-log").locator("tr").count()).toBeGreaterThan(3);
    await page.context().close();
  });

  it("folds the navigation into a menu and draws tables as cards", async () => {
    const page = await onPhone("/runs");
    await page.getByTestId(`run-row-${failedRun}`).waitFor();
    expect(await sideways(page)).toBe(0);
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    // The row is a card: its cells stack, each under its column's name.
    const status = page.getByTestId(`run-row-${failedRun}`).locator('td[data-label="Status"]');
    expect(await status.evaluate((td) => getComputedStyle(td, "::before").content)).toBe('"Status"');

    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workflows" }).click();
    await page.waitForURL(`${engine.web.url}/workflows`);
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    await page.getByRole("link", { name: "Phone checkout" }).waitFor();
    expect(await sideways(page)).toBe(0);
    await page.context().close();
  });

  it("opens the editor readable, with a notice that it is made for a wider screen", async () => {
    const page = await onPhone(`/workflows/${workflowId}`, "editor");
    await page.getByTestId("node-price").waitFor();
    expect(await page.getByTestId("narrow-notice").isVisible()).toBe(true);
    expect(await sideways(page)).toBe(0);
    const canvas = (await page.getByTestId("canvas").boundingBox())!;
    expect(canvas.width).toBeGreaterThan(350);
    expect(canvas.height).toBeGreaterThan(300);
    await page.context().close();
  });
});
