// Flags in Chromium: a flag created from the list, a targeting rule and a rollout set on its
// page (a share that does not add up shown on the rollout), saved as a version, asked in the test
// panel, a run deciding by it with the flag and reason on the run page, and the kill switch.
import { expect, it } from "vitest";
import { definition, publish, runWorkflow, waitForRun } from "../helpers/engine.ts";
import { screenshot, signedIn } from "../helpers/browser.ts";
import { engineAndBrowser } from "../helpers/e2e.ts";
import { waitFor } from "../helpers/processes.ts";

const env = engineAndBrowser();

it("creates a flag, targets and rolls it out, tests it, decides a run by it, and turns it off", async () => {
  const editor = await env.engine.as("editor");
  const page = await signedIn(env.browser, env.engine.web.url, "editor", "/flags");
  await page.getByRole("button", { name: "New flag" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("New pricing");
  await dialog.getByLabel("Key").fill("new-pricing");
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/flags\/new-pricing$/);

  // Germany and France get it; everyone else by a 30 % rollout (first typed wrong: 30 + 60).
  await page.getByRole("button", { name: "Add rule" }).click();
  await page.getByLabel("Rule 1 description").fill("Launch markets");
  await page.getByLabel("rules.0.serve value").selectOption("true");
  await page.getByLabel("fallthrough serves").selectOption("rollout");
  await page.getByLabel("fallthrough true %").fill("30");
  await page.getByLabel("fallthrough false %").fill("60");
  await page.getByLabel("Note").fill("launch in DE and FR, 30 % elsewhere");
  await page.getByRole("button", { name: "Save as v2" }).click();
  await expect.poll(() => page.getByTestId("serve-fallthrough").textContent()).toContain("The shares add up to 90 %; they must add up to 100 %.");
  expect((await editor.get("/flags/new-pricing")).json.version).toBe(1);
  await page.getByLabel("fallthrough false %").fill("70");
  await page.getByRole("button", { name: "Save as v2" }).click();
  await expect.poll(() => page.getByRole("button", { name: "Save as v3" }).count()).toBe(1);
  const stored = (await editor.get("/flags/new-pricing")).json;
  expect(stored.definition.rules).toEqual([{ id: "rule-1", description: "Launch markets", conditions: [{ attribute: "country", type: "string", test: 'in ["DE", "FR"]' }], serve: { value: true } }]);
  expect(stored.definition.fallthrough).toEqual({ rollout: [{ value: true, weight: 30 }, { value: false, weight: 70 }] });
  expect(stored.versions[0]).toMatchObject({ number: 2, note: "launch in DE and FR, 30 % elsewhere" });

  await page.getByLabel("Context").fill('{ "userId": "c-1", "country": "FR" }');
  await page.getByRole("button", { name: "Evaluate" }).click();
  await expect.poll(() => page.getByTestId("flag-answer").textContent()).toBe("new-pricing v2 → true (rule 1)");

  // A run asks it in a condition; counted, and explained on the run page.
  const workflow = await publish(
    editor,
    definition(
      [
        { id: "start", type: "start" },
        { id: "gate", type: "condition", name: "New pricing?", config: { mode: "flag", flag: "new-pricing", context: { userId: "{{ input.userId }}", country: "{{ input.country }}" } } },
        { id: "yes", type: "end", config: { output: "new" } },
        { id: "no", type: "end", config: { output: "old" } },
      ],
      [["start", "gate"], ["gate", "yes", "true"], ["gate", "no", "false"]],
    ),
  );
  const runId = await runWorkflow(editor, workflow, { userId: "c-1", country: "DE" });
  expect((await waitForRun(editor, runId)).output).toBe("new");
  const view = await signedIn(env.browser, env.engine.web.url, "viewer", `/runs/${runId}?step=gate`);
  await view.getByTestId("flag-summary").waitFor();
  expect(await view.getByTestId("flag-summary").textContent()).toBe("Decided by flag new-pricing: v2 → true (rule 1).");
  await screenshot(view, "flags-decided-run");
  await view.context().close();

  await waitFor("the evaluation counted", async () => ((await editor.get("/flags/new-pricing")).json.lastHour.length ? true : undefined));
  await page.reload();
  await expect.poll(() => page.getByTestId("flag-served").textContent()).toContain("true 1 (100 %)");
  await screenshot(page, "flag-editor");
  await page.context().close();

  // The kill switch, by an operator: the next run gets the off value.
  const operator = await signedIn(env.browser, env.engine.web.url, "operator", "/flags/new-pricing");
  expect(await operator.getByRole("button", { name: /Save as/ }).count()).toBe(0);
  await operator.getByTestId("flag-kill-switch").click();
  await operator.getByRole("dialog").getByRole("button", { name: "Turn off" }).click();
  await expect.poll(() => operator.getByTestId("flag-kill-switch").textContent()).toBe("Turn on");
  expect(await operator.getByText("off: serving false to everyone").count()).toBe(1);
  expect((await waitForRun(editor, await runWorkflow(editor, workflow, { userId: "c-1", country: "DE" }))).output).toBe("old");
  await operator.goto(`${env.engine.web.url}/flags`);
  await operator.getByTestId("flag-new-pricing").waitFor();
  expect(await operator.getByTestId("flag-new-pricing").textContent()).toContain("off");
  await screenshot(operator, "flags-list");
  await operator.context().close();
});
