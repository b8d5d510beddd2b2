// The approval step in the browser: in the palette with its two branches drawn, and on the run
// page while it waits, saying what for; its request and decisions in the run's audit log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { definition, publish, runWorkflow, startEngine, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { launchBrowser, screenshot, signedIn } from "../helpers/browser.ts";
import { node } from "../helpers/editor.ts";

let engine: Engine;
let browser: Browser;

beforeAll(async () => {
  [engine, browser] = await Promise.all([startEngine(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

describe("approval steps in the browser", () => {
  it("are in the palette with approved and rejected branches, and a waiting one says what it waits for", async () => {
    const editor = await engine.as("editor");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          { id: "review", type: "approval", name: "Review the refund", config: { title: "Refund {{ input.amount }} EUR?" } },
          { id: "done", type: "end" },
          { id: "refused", type: "end" },
        ],
        [
          ["start", "review"],
          ["review", "done", "approved"],
          ["review", "refused", "rejected"],
        ],
      ),
      "Refund approvals",
    );
    const design = await signedIn(browser, engine.web.url, "editor", `/workflows/${id}`);
    await expect.poll(() => design.getByTestId("palette-approval").textContent()).toContain("Approval");
    const review = node(design, "review");
    await review.waitFor();
    expect(await review.locator('[data-handleid="approved"]').count()).toBe(1);
    expect(await review.locator('[data-handleid="rejected"]').count()).toBe(1);
    await screenshot(design, "approval-editor");
    await design.context().close();

    const runId = await runWorkflow(editor, id, { amount: 120 });
    await waitForStep(editor, runId, "review", ["waiting"]);
    const page = await signedIn(browser, engine.web.url, "approver", `/runs/${runId}?step=review`);
    await expect.poll(() => page.getByTestId("step-panel-waiting").textContent()).toBe("approval · no deadline");
    await page.getByRole("tab", { name: /Audit log/ }).click();
    await expect.poll(() => page.locator('[data-event-type="approval.requested"]').textContent()).toContain("Review the refund asked for approval: Refund 120 EUR?");
    await screenshot(page, "approval-waiting");

    // Decided (through the API for now), the page follows: the run goes down the approved branch.
    const { approvals } = (await (await engine.as("approver")).get("/approvals?assignedTo=me")).json;
    const request = approvals.find((a: { runId: string }) => a.runId === runId);
    expect((await (await engine.as("approver")).post(`/approvals/${request.id}/decisions`, { decision: "approve" })).status).toBe(200);
    await waitForRun(editor, runId, ["succeeded"]);
    await expect.poll(() => page.locator('[data-event-type="approval.decided"]').textContent()).toMatch(/approved Review the refund/);
    await expect.poll(() => node(page, "refused").getByTestId("node-status").textContent()).toMatch(/skipped/i);
    await page.context().close();
  });
});
