// A canary in Chromium: published from the editor as a canary for half the runs, compared side
// by side on the workflow's rollout page and on the dashboard, marked on a canary run's page,
// and promoted.
import { expect, it } from "vitest";
import { linear, runWorkflow, waitForRun } from "../helpers/engine.ts";
import { screenshot, signedIn } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";

const env = engineAndBrowser();

it("publishes a canary from the editor, compares it, shows it on a run, and promotes it", async () => {
  const editor = await env.engine.as("editor");
  const created = await editor.post("/workflows", { name: "Quote", definition: linear([], { output: "v1" }) });
  const id = created.json.id as string;
  expect((await editor.post(`/workflows/${id}/versions`, {})).status).toBe(201);
  expect((await editor.put(`/workflows/${id}/draft`, { definition: linear([], { output: "v2" }) })).status).toBe(200);

  const page = await signedIn(env.browser, env.engine.web.url, "editor", `/workflows/${id}`);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Start it as a canary").check();
  await dialog.getByLabel("Share of new runs (%)").fill("50");
  await dialog.getByLabel(/Stick by/).fill("{{ input.customer }}");
  await dialog.getByRole("button", { name: "Publish" }).click();
  await expect.poll(() => page.getByTestId("editor-rollout").textContent()).toBe("Canary v2 50 %");
  expect((await editor.get(`/workflows/${id}`)).json).toMatchObject({ activeVersion: 1, rollout: { versions: [{ version: 2, weight: 50 }], stickyKey: "{{ input.customer }}" } });

  // Forty customers: about half on each version.
  const runs = await Promise.all(Array.from({ length: 40 }, (_, i) => runWorkflow(editor, id, { customer: `c${i}` })));
  const finished = await Promise.all(runs.map((r) => waitForRun(editor, r)));
  const onCanary = finished.filter((r) => r.versionReason === "canary");
  expect(onCanary.length).toBeGreaterThan(5);
  expect(onCanary.every((r) => r.version === 2 && r.output === "v2")).toBe(true);

  await page.getByTestId("editor-rollout").click();
  await page.waitForURL(/\/rollout$/);
  const comparison = page.getByTestId("rollout-comparison");
  await comparison.waitFor();
  await expect.poll(() => comparison.textContent()).toContain(`${onCanary.length}`);
  expect(await comparison.getByRole("columnheader").allTextContents()).toEqual(["", "v1 stable", "v2 canary"]);
  await screenshot(page, "rollout-running");

  const dashboard = await signedIn(env.browser, env.engine.web.url, "viewer", "/dashboard");
  await dashboard.getByRole("region", { name: "Canary: Quote" }).waitFor();
  expect(await dashboard.getByRole("region", { name: "Canary: Quote" }).getByTestId("rollout-comparison").count()).toBe(1);
  await dashboard.goto(`${env.engine.web.url}/runs/${onCanary[0].id}`);
  await dashboard.getByTestId("run-version-reason").waitFor();
  expect(await dashboard.getByTestId("run-version-reason").textContent()).toBe("canary");
  await dashboard.context().close();

  await page.getByRole("button", { name: "Promote v2" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Promote" }).click();
  await expect.poll(() => page.getByText("Every new run uses v2.").count()).toBe(1);
  await expect.poll(() => page.getByTestId("rollout-history").textContent()).toContain("v2 promoted");
  expect((await editor.get(`/workflows/${id}`)).json).toMatchObject({ activeVersion: 2, rollout: null });
  expect((await waitForRun(editor, await runWorkflow(editor, id, { customer: "c0" }))).versionReason).toBe("stable");
  await screenshot(page, "rollout-promoted");
  await page.context().close();
});
