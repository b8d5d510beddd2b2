// The approval step in the browser: in the palette with its two branches drawn, and on the run
// page while it waits, saying what for; its request and decisions in the run's audit log.
import { describe, expect, it } from "vitest";
import { definition, publish, runWorkflow, waitForRun, waitForStep } from "../helpers/engine.ts";
import { screenshot, signedIn } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";
import { node, saved, typeInto } from "../helpers/editor.ts";
import { emailFor } from "../helpers/fixtures.ts";

const env = engineAndBrowser();

describe("approval steps in the browser", () => {
  it("are in the palette with approved and rejected branches, and a waiting one says what it waits for", async () => {
    const editor = await env.engine.as("editor");
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
    const design = await signedIn(env.browser, env.engine.web.url, "editor", `/workflows/${id}`);
    await expect.poll(() => design.getByTestId("palette-approval").textContent()).toContain("Approval");
    const review = node(design, "review");
    await review.waitFor();
    expect(await review.locator('[data-handleid="approved"]').count()).toBe(1);
    expect(await review.locator('[data-handleid="rejected"]').count()).toBe(1);
    await screenshot(design, "approval-editor");
    await design.context().close();

    const runId = await runWorkflow(editor, id, { amount: 120 });
    await waitForStep(editor, runId, "review", ["waiting"]);
    const page = await signedIn(env.browser, env.engine.web.url, "approver", `/runs/${runId}?step=review`);
    await expect.poll(() => page.getByTestId("step-panel-waiting").textContent()).toBe("approval · no deadline");
    await page.getByRole("tab", { name: /Audit log/ }).click();
    await expect.poll(() => page.locator('[data-event-type="approval.requested"]').textContent()).toContain("Review the refund asked for approval: Refund 120 EUR?");
    await screenshot(page, "approval-waiting");

    // Decided (through the API for now), the page follows: the run goes down the approved branch.
    const { approvals } = (await (await env.engine.as("approver")).get("/approvals?assignedTo=me")).json;
    const request = approvals.find((a: { runId: string }) => a.runId === runId);
    expect((await (await env.engine.as("approver")).post(`/approvals/${request.id}/decisions`, { decision: "approve" })).status).toBe(200);
    await waitForRun(editor, runId, ["succeeded"]);
    await expect.poll(() => page.locator('[data-event-type="approval.decided"]').textContent()).toMatch(/approved Review the refund/);
    await expect.poll(() => node(page, "refused").getByTestId("node-status").textContent()).toMatch(/skipped/i);
    await page.context().close();
  });

  it("go from an editor's drawing to an approver's inbox and back: changes requested, resubmitted, approved", async () => {
    const editorApi = await env.engine.as("editor");
    const created = await editorApi.post("/workflows", { name: "Refunds by hand", definition: { nodes: [{ id: "start", type: "start", position: { x: 0, y: 0 }, config: {} }], edges: [] } });
    const workflowId = created.json.id;

    // The editor draws it: start → approval, its approved and rejected branches to two ends.
    const design = await signedIn(env.browser, env.engine.web.url, "editor", `/workflows/${workflowId}`);
    await node(design, "start").waitFor();
    await design.getByRole("button", { name: "Add a step after start" }).click();
    await design.getByRole("dialog", { name: "Add a step after start" }).getByRole("searchbox", { name: "Search steps" }).fill("approv");
    await design.keyboard.press("Enter");
    await node(design, "approval_1").waitFor();
    for (const branch of ["approved", "rejected"]) {
      await design.getByRole("button", { name: `Add a step after approval_1 on its ${branch} branch` }).click();
      await design.getByRole("dialog", { name: `Add a step after approval_1 (${branch})` }).getByRole("option", { name: "End" }).click();
    }
    await expect.poll(() => design.locator(".react-flow__edge").count()).toBe(3);
    await design.getByRole("button", { name: "Auto-layout" }).click();
    await node(design, "approval_1").click();
    await design.getByLabel(/^Title/).fill("Refund {{ input.amount }} EUR?");
    await typeInto(design.getByRole("textbox", { name: "Data under review" }), '{"amount": "{{ input.amount }}"}');
    // Roles are checkboxes: approver is ticked by default.
    expect(await design.getByRole("group", { name: "Roles that may decide" }).getByRole("checkbox", { name: "approver" }).isChecked()).toBe(true);
    await screenshot(design, "approval-form");
    await saved(design);
    await design.getByRole("button", { name: "Publish" }).click();
    await design.getByLabel(/Note/).fill("approvals");
    await design.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => design.getByRole("status").filter({ hasText: "Published" }).textContent()).toBe("Published version 1");
    await design.getByRole("button", { name: "Run", exact: true }).click();
    await typeInto(design.getByRole("textbox", { name: "Run input (JSON)" }), '{"amount": 120}');
    await design.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => design.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("waiting");
    const runId = (await editorApi.get(`/runs?workflowId=${workflowId}`)).json.runs[0].id as string;
    await design.keyboard.press("Escape");
    await design.getByRole("button", { name: /account menu/ }).click();
    await design.getByRole("menuitem", { name: "Sign out" }).click();
    await design.waitForURL(/\/login$/);

    // The approver sees the count in the navigation, opens the inbox, and asks for changes.
    const inbox = await signedIn(env.browser, env.engine.web.url, "approver", "/workflows");
    await expect.poll(() => inbox.getByTestId("approvals-badge").textContent(), { timeout: 15_000 }).toBe("1");
    await inbox.getByRole("link", { name: /^Approvals/ }).click();
    await inbox.waitForURL(/\/approvals/);
    await inbox.getByTestId(`approval-${runId}`).getByRole("button").click();
    const request = inbox.getByRole("article", { name: "Approval request: Refund 120 EUR?" });
    await expect.poll(() => request.getByRole("region", { name: "Data under review" }).textContent()).toContain("120");
    await inbox.getByRole("button", { name: "Request changes" }).click();
    await expect.poll(() => inbox.getByRole("alert").first().textContent()).toBe("Say what should change.");
    await inbox.getByLabel(/^Comment/).fill("Refund half now, half next month");
    await inbox.getByRole("button", { name: "Request changes" }).click();
    await expect.poll(() => inbox.getByTestId(`approval-${runId}`).count()).toBe(0);

    // The requester resubmits with new data.
    const requester = await signedIn(env.browser, env.engine.web.url, "editor", "/approvals?tab=open");
    await requester.getByTestId(`approval-${runId}`).getByRole("button").click();
    await typeInto(requester.getByLabel("Data (JSON)"), '{"amount": 60}');
    await requester.getByLabel("What changed").fill("Half now");
    await requester.getByRole("button", { name: "Resubmit" }).click();
    await expect.poll(() => requester.getByRole("article").getByText("Pending", { exact: true }).count()).toBe(1);
    await requester.context().close();

    // Live: back in the approver's "waiting on me" without a reload, with what changed.
    await inbox.getByTestId(`approval-${runId}`).getByRole("button").click({ timeout: 15_000 });
    const changes = inbox.getByRole("region", { name: "Changes since the previous submission" });
    await expect.poll(() => changes.textContent()).toContain("amount: 120 → 60");
    await screenshot(inbox, "approvals-inbox", "docs/approvals.png");
    await inbox.getByRole("button", { name: "Approve", exact: true }).click();
    await expect.poll(() => inbox.getByTestId(`approval-${runId}`).count()).toBe(0);
    expect((await waitForRun(editorApi, runId)).status).toBe("succeeded");

    // The run page: the approval step green, its request linked, both people in the audit log.
    await inbox.goto(`${env.engine.web.url}/runs/${runId}?step=approval_1`);
    await expect.poll(() => node(inbox, "approval_1").getAttribute("data-status")).toBe("succeeded");
    await expect.poll(() => inbox.getByTestId("step-panel-approval").textContent()).toContain("Approved");
    await inbox.getByRole("tab", { name: /Audit log/ }).click();
    const log = inbox.locator('[data-event-type^="approval."]');
    await expect.poll(async () => (await log.allTextContents()).join("\n")).toContain(`${emailFor("approver")} requested changes to`);
    const all = (await log.allTextContents()).join("\n");
    expect(all).toContain(`${emailFor("editor")} resubmitted`);
    expect(all).toContain(`${emailFor("approver")} approved`);
    await screenshot(inbox, "approval-run");
    await inbox.context().close();
  });

  it("make a decision link in the inbox that someone without a session opens, reads, and decides once", async () => {
    const editor = await env.engine.as("editor");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          { id: "review", type: "approval", config: { title: "Ship order {{ input.order }}?", data: { order: "{{ input.order }}" } } },
          { id: "done", type: "end" },
        ],
        [
          ["start", "review"],
          ["review", "done", "approved"],
        ],
      ),
      "Linked shipping",
    );
    const runId = await runWorkflow(editor, id, { order: "A-17" });
    await waitForStep(editor, runId, "review", ["waiting"]);
    const admin = await signedIn(env.browser, env.engine.web.url, "admin", "/approvals?tab=open");
    await admin.getByTestId(`approval-${runId}`).getByRole("button").click();
    await admin.getByText("Make a decision link").click();
    await admin.getByLabel("E-mail of the person").fill(emailFor("viewer"));
    await admin.getByRole("button", { name: "Make link" }).click();
    await expect.poll(() => admin.getByRole("alert").first().textContent()).toContain("approvals.decide");
    await admin.getByLabel("E-mail of the person").fill(emailFor("approver"));
    await admin.getByRole("button", { name: "Make link" }).click();
    const url = await admin.getByLabel("Decision link").inputValue();
    expect(url).toMatch(/\/approve\/[A-Za-z0-9_-]{43}$/);
    await admin.context().close();

    // No session: the link shows the request; only the button decides.
    const context = await env.browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByRole("heading", { level: 2 }).textContent()).toBe("Ship order A-17?");
    expect(await page.getByText(`This link is for ${emailFor("approver")}`).count()).toBe(1);
    await screenshot(page, "approval-link");
    expect((await (await env.engine.as("viewer")).get(`/runs/${runId}`)).json.status).toBe("waiting");
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Your decision is recorded");
    expect((await waitForRun(editor, runId)).status).toBe("succeeded");
    await page.reload();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "used already" }).count()).toBe(1);
    await context.close();
  });
});

