// Triggers in the browser: an editor adds a schedule (and sees its next fire times, a clock change
// marked) and a webhook (its secret shown once, a signed curl example), publishes, a sender
// delivers a signed request, and the run appears live in /runs and on its page with its trigger.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { linear, waitForRun } from "../helpers/engine.ts";
import { screenshot, signedIn } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";

const env = engineAndBrowser();

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"]);
    return true;
  } catch {
    return false;
  }
})();

describe("triggers in the editor", () => {
  let workflowId: string;
  let hookUrl: string;
  let secret: string;
  let curl: string;

  it("adds a schedule with its next fire times and a webhook with its secret shown once", async () => {
    const editorApi = await env.engine.as("editor");
    const created = await editorApi.post("/workflows", { name: "Orders", definition: linear([{ id: "t", type: "transform", config: { output: { order: "{{ input.orderId }}" } } }], { output: "{{ steps.t.output }}" }) });
    workflowId = created.json.id;
    const page = await signedIn(env.browser, env.engine.web.url, "editor", `/workflows/${workflowId}`);
    await page.getByRole("button", { name: "Triggers" }).click();
    const dialog = page.getByRole("dialog", { name: "Triggers" });
    await expect.poll(() => dialog.textContent()).toContain("No triggers");

    // A schedule in Berlin at 02:30 every day: the preview marks the days a clock change moves it.
    await dialog.getByRole("button", { name: "Add schedule" }).click();
    await dialog.getByLabel("Name").fill("Nightly export");
    await dialog.getByLabel("Cron expression").fill("61 * * * *");
    await expect.poll(() => dialog.textContent()).toContain("Invalid value for minute");
    await dialog.getByLabel("Cron expression").fill("30 2 * * *");
    await dialog.getByLabel("Time zone").fill("Europe/Berlin");
    const times = dialog.getByRole("list", { name: "Next fire times" }).getByRole("listitem");
    await expect.poll(() => times.count()).toBe(10);
    expect(await times.first().textContent()).toMatch(/02:30/);
    await screenshot(page, "trigger-schedule-form");
    await dialog.getByRole("button", { name: "Add schedule" }).click();
    await expect.poll(() => dialog.getByRole("region", { name: "Upcoming" }).isVisible()).toBe(true);
    await dialog.getByRole("button", { name: "← All triggers" }).click();

    await dialog.getByRole("button", { name: "Add webhook" }).click();
    await dialog.getByLabel("Name").fill("Shop orders");
    await dialog.getByRole("button", { name: "Add webhook" }).click();
    secret = (await dialog.getByTestId("webhook-secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    hookUrl = (await dialog.getByTestId("webhook-url").textContent())!;
    expect(hookUrl).toMatch(/\/api\/v1\/hooks\/[0-9a-f-]{36}$/);
    curl = (await dialog.getByTestId("curl-example").textContent())!;
    expect(curl).toContain(secret);
    await screenshot(page, "trigger-webhook");
    // Reopened later, the secret is gone from the page.
    await dialog.getByRole("button", { name: "← All triggers" }).click();
    await expect.poll(() => dialog.getByRole("list", { name: "Triggers" }).getByRole("listitem").count()).toBe(2);
    await screenshot(page, "triggers-list");
    await dialog.getByRole("button", { name: "Open Shop orders" }).click();
    await expect.poll(() => dialog.getByTestId("webhook-url").isVisible()).toBe(true);
    expect(await dialog.getByTestId("webhook-secret").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("button", { name: "Triggers (2)" }).isVisible()).toBe(true);

    await expect.poll(() => page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(false);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Published" }).textContent()).toBe("Published version 1");
    await page.context().close();
  });

  it("starts a run for a signed delivery, shown live in /runs and on the run page with its trigger", async () => {
    const runs = await signedIn(env.browser, env.engine.web.url, "viewer", `/runs?workflowId=${workflowId}`);
    await expect.poll(() => runs.getByText("No run matches").isVisible()).toBe(true);
    const body = JSON.stringify({ orderId: "A-77" });
    const at = new Date();
    const res = await fetch(hookUrl, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "webhook-id": "msg_e2e", "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign("msg_e2e", at, body) },
    });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    const row = runs.getByTestId(`run-row-${id}`);
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 30_000 }).toBe("succeeded");
    expect(await row.getByTestId("run-trigger").textContent()).toBe("webhook: Shop orders");
    await screenshot(runs, "runs-with-trigger");
    await row.getByRole("link", { name: id.slice(0, 8) }).click();
    await expect.poll(() => runs.getByTestId("run-trigger").textContent()).toBe("webhook “Shop orders”");
    const run = await waitForRun(await env.engine.as("viewer"), id);
    expect(run.output).toEqual({ order: "A-77" });
    await runs.context().close();
  });

  it.skipIf(!hasOpenssl)("gives a curl example that, pasted into a shell, delivers a verified request", async () => {
    const before = Number((await env.engine.db.pool.query(`select count(*) from runs where workflow_id = $1`, [workflowId])).rows[0].count);
    const out = execFileSync("bash", ["-c", curl], { encoding: "utf8" });
    expect(JSON.parse(out)).toMatchObject({ status: "queued" });
    const after = Number((await env.engine.db.pool.query(`select count(*) from runs where workflow_id = $1`, [workflowId])).rows[0].count);
    expect(after).toBe(before + 1);
  });

  it("adds an event type in the registry, and shows a published event live in the log with the run it started", async () => {
    const page = await signedIn(env.browser, env.engine.web.url, "editor", "/events/types");
    await page.getByRole("button", { name: "New event type" }).click();
    const dialog = page.getByRole("dialog", { name: "New event type" });
    await dialog.getByLabel("Name").fill("OrderShip");
    await dialog.getByRole("button", { name: "Add event type" }).click();
    await expect.poll(() => dialog.textContent()).toContain("past tense");
    await dialog.getByLabel("Name").fill("OrderShipped");
    await dialog.getByRole("button", { name: "Add event type" }).click();
    await expect.poll(() => page.getByTestId("event-type-OrderShipped").isVisible()).toBe(true);
    // A breaking version is refused with what it breaks.
    await page.getByTestId("event-type-OrderShipped").getByRole("button", { name: "New version" }).click();
    const version = page.getByRole("dialog", { name: "New version of OrderShipped" });
    await version.getByLabel("Schema (JSON Schema of the event's data)").fill('{"type":"object","required":["orderId","carrier"],"properties":{"orderId":{"type":"string"},"carrier":{"type":"string"}}}');
    await version.getByRole("button", { name: "Save version" }).click();
    await expect.poll(() => version.getByRole("alert").textContent()).toContain("data.carrier: now required");
    await screenshot(page, "event-type-breaking");
    await version.getByLabel("A breaking change: make it a new major version").check();
    await version.getByRole("button", { name: "Save version" }).click();
    await expect.poll(() => page.getByTestId("event-type-OrderShipped").textContent()).toContain("v2.0");

    const editorApi = await env.engine.as("editor");
    const trigger = await editorApi.post(`/workflows/${workflowId}/triggers`, { kind: "event", name: "on shipping", config: { eventType: "OrderShipped" } });
    expect(trigger.status).toBe(201);
    await page.goto(`${env.engine.web.url}/events`);
    const published = await (await env.engine.as("operator")).post("/events", { type: "OrderShipped", id: "ship-1", data: { orderId: "A-78", carrier: "DHL" }, correlationId: "A-78" });
    expect(published.status).toBe(201);
    const row = page.getByTestId("event-ship-1");
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("1 caused");
    await row.getByRole("button").click();
    const panel = page.getByRole("article", { name: "Event OrderShipped ship-1" });
    await expect.poll(() => panel.getByRole("region", { name: "What it caused" }).textContent()).toContain("started a run of Orders (trigger “on shipping”)");
    await screenshot(page, "events-log");
    await page.context().close();
  });
});
