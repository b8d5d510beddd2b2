// Rules in Chromium: a decision table edited in its grid (typing, arrow keys, adding rows), a
// cell it cannot read shown on the cell, the test panel lighting the row that matched, publishing
// with a note, and a run whose Decide step used it, with the version and row on the run page.
import { expect, it } from "vitest";
import { linear, publish, runWorkflow, waitForRun } from "../helpers/engine.ts";
import { screenshot, signedIn } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";

const env = engineAndBrowser();

it("edits a table in the grid, tests it, publishes it, and a run shows the row that decided", async () => {
  const editor = await env.engine.as("editor");
  const table = {
    inputs: [
      { name: "total", type: "number" },
      { name: "region", type: "enum", values: ["EU", "UK", "US"] },
    ],
    outputs: [{ name: "discount", type: "number" }],
    hitPolicy: "first",
    rows: [{ id: "r1", when: ["-", "-"], then: [0] }],
  };
  expect((await editor.post("/rule-sets", { key: "order-discount", name: "Order discount", table })).status).toBe(201);
  const page = await signedIn(env.browser, env.engine.web.url, "editor", "/rules");
  await page.getByRole("link", { name: "Order discount" }).click();
  await page.waitForURL(/\/rules\/order-discount$/);

  // Two rows above the catch-all: typed cell by cell, Enter and the arrows moving down and up.
  const grid = page.getByTestId("rules-grid");
  await page.getByRole("button", { name: "+ Add row" }).click();
  await page.getByRole("button", { name: "+ Add row" }).click();
  await page.getByRole("button", { name: "Move row 2 up" }).click();
  await page.getByRole("button", { name: "Move row 3 up" }).click();
  // Now rows 1 and 2 are the new ones, row 3 the catch-all.
  await grid.getByLabel("Row 1, total").fill("> 1000");
  await page.keyboard.press("Enter");
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Row 2, total");
  await page.keyboard.type("> lots");
  await page.keyboard.press("ArrowUp");
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Row 1, total");
  await grid.getByLabel("Row 1, region").fill('in ["EU", "UK"]');
  await grid.getByLabel("Row 1, discount").fill("10");
  await grid.getByLabel("Row 2, discount").fill("5");
  await page.getByRole("button", { name: "Save draft" }).click();
  // The cell it cannot read says why, and publishing waits for it.
  await expect.poll(() => grid.getByLabel("Row 2, total").getAttribute("aria-invalid")).toBe("true");
  expect(await page.getByTestId("rules-problems").textContent()).toContain("total: lots is not a number.");
  await grid.getByLabel("Row 2, total").fill("> 500");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect.poll(() => page.getByTestId("rules-save-state").textContent()).toBe("All changes saved");
  expect(await page.getByTestId("rules-problems").count()).toBe(0);

  // The test panel: the row that matched lights up.
  const test = page.getByTestId("rules-test");
  await test.getByLabel("Test total").fill("1500");
  await test.getByLabel("Test region").selectOption("EU");
  await test.getByRole("button", { name: "Evaluate" }).click();
  await expect.poll(() => page.getByTestId("rules-test-result").textContent()).toContain("Matched row 1");
  expect(await page.getByTestId("rule-row-1").getAttribute("data-matched")).toBe("true");
  expect(await page.getByTestId("rule-row-2").getAttribute("data-matched")).toBe(null);
  await screenshot(page, "rules-editor");

  await page.getByRole("button", { name: "Publish…" }).click();
  await page.getByRole("dialog").getByLabel("Note").fill("EU and UK get ten percent");
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect.poll(() => page.getByTestId("rules-message").textContent()).toContain("Published version 1");
  const stored = (await editor.get("/rule-sets/order-discount")).json;
  expect(stored.activeVersion).toBe(1);
  expect(stored.draft.rows.map((r: { when: string[]; then: number[] }) => [...r.when, ...r.then])).toEqual([
    ["> 1000", 'in ["EU", "UK"]', 10],
    ["> 500", "", 5],
    ["-", "-", 0],
  ]);
  await page.context().close();

  // A run decides with it; its page shows the version and the row.
  const workflow = await publish(editor, linear([{ id: "price", type: "decide", name: "Discount", config: { ruleSet: "order-discount", inputs: { total: "{{ input.total }}", region: "{{ input.region }}" } } }], { output: "{{ steps.price.output }}" }));
  const runId = await runWorkflow(editor, workflow, { total: 1500, region: "UK" });
  const run = await waitForRun(editor, runId);
  expect(run.output).toMatchObject({ result: { discount: 10 }, version: 1 });
  const view = await signedIn(env.browser, env.engine.web.url, "viewer", `/runs/${runId}?step=price`);
  const summary = view.getByTestId("decision-summary");
  await summary.waitFor();
  // Row ids stay with their rows as they move: the first row is r2 (added second, moved up).
  expect(await summary.textContent()).toBe("Decided by order-discount v1: row 1 matched (r2).");
  await view.locator('[data-testid="node-price"]').waitFor();
  await screenshot(view, "rules-decided-run");
  await view.context().close();
});
