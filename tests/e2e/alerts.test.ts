// Alerts in Chromium: an admin adds a Slack channel and a rule, sends a test, a run fails, and
// the history shows the alert with its delivery; the receiver got both messages.
import { afterAll, beforeAll, expect, it } from "vitest";
import { linear, publish, runWorkflow, waitForRun } from "../helpers/engine.ts";
import { screenshot, signedIn } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

const env = engineAndBrowser();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.on("/slack", (_r, _n, res) => res.writeHead(200).end("ok"));
});
afterAll(async () => {
  await server?.close();
});

it("adds a channel and a rule, tests the channel, and shows a failed run's alert in the history", async () => {
  const editor = await env.engine.as("editor");
  const workflowId = await publish(editor, linear([{ id: "ship", type: "transform", config: { output: "{{ $error('carrier down') }}" } }]), "Ship order");
  const page = await signedIn(env.browser, env.engine.web.url, "admin", "/settings/alerts");

  await page.getByRole("button", { name: "Add channel" }).click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Kind").selectOption("slack");
  await dialog.getByLabel("Name").fill("#ops");
  await dialog.getByLabel("URL").fill("not a url");
  await dialog.getByRole("button", { name: "Add" }).click();
  await expect.poll(() => dialog.textContent()).toContain("An http(s) URL.");
  await dialog.getByLabel("URL").fill(`${server.url}/slack?token=secret-part`);
  await dialog.getByRole("button", { name: "Add" }).click();
  await page.getByTestId("channel-#ops").waitFor();
  expect(await page.getByTestId("channel-#ops").textContent()).not.toContain("secret-part");

  await page.getByTestId("channel-#ops").getByRole("button", { name: "Send test" }).click();
  await expect.poll(() => page.getByTestId("test-sends").textContent(), { timeout: 20_000 }).toContain("delivered");
  expect(JSON.parse(server.calls("/slack")[0].body).text).toContain("A test from Baton to #ops");

  await page.getByRole("button", { name: "Add rule" }).click();
  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Shipping failed");
  await dialog.getByLabel("When").selectOption("run_failed");
  await dialog.getByLabel("Workflow").selectOption(workflowId);
  await dialog.getByRole("button", { name: "Add" }).click();
  await page.getByTestId("rule-Shipping failed").waitFor();

  const runId = await runWorkflow(editor, workflowId);
  expect((await waitForRun(editor, runId)).status).toBe("failed");
  const row = page.getByTestId("alert-row").first();
  await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("delivered");
  expect(await row.textContent()).toContain("Shipping failed");
  expect(await row.textContent()).toContain("carrier down");
  expect(await row.textContent()).toContain("firing");
  expect(JSON.parse(server.calls("/slack").at(-1)!.body).text).toContain(`/runs/${runId}`);
  await screenshot(page, "settings-alerts");
  await page.context().close();
});
