// Every page against axe-core's WCAG 2.1 A and AA rules, injected into the page as it is drawn
// (with live data: a run that failed, a published workflow, dead letters). A serious or critical
// violation fails the test, naming the rule, the elements and how to fix them.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { linear, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { launchBrowser, PHONE, signedIn } from "../helpers/browser.ts";

let engine: Engine;
let browser: Browser;
let axeSource: string;
let workflowId: string;
let runId: string;

beforeAll(async () => {
  [engine, browser] = await Promise.all([startEngine(), launchBrowser()]);
  axeSource = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  const editor = await engine.as("editor");
  workflowId = await publish(
    editor,
    linear([
      { id: "price", type: "transform", name: "Price the order", config: { output: { amount: "{{ input.amount }}" } } },
      { id: "wait", type: "delay", config: { durationMs: 1 } },
    ]),
    "Accessible checkout",
  );
  await editor.put(`/workflows/${workflowId}/draft`, {
    definition: linear([{ id: "price", type: "transform", name: "Price the order", config: { output: { amount: "{{ input.amount * 2 }}" } } }]),
  });
  await editor.post(`/workflows/${workflowId}/versions`, { note: "doubled" });
  // v1 back as a canary of v2, and a flag with a rule and a rollout.
  await editor.put(`/workflows/${workflowId}/rollout`, { versions: [{ version: 1, weight: 20 }], stickyKey: "{{ input.amount }}" });
  await editor.post("/flags", {
    key: "accessible-flag",
    name: "Accessible flag",
    definition: { kind: "boolean", enabled: true, offValue: false, rules: [{ id: "eu", conditions: [{ attribute: "country", type: "string", test: 'in ["DE"]' }], serve: { value: true } }], fallthrough: { rollout: [{ value: true, weight: 10 }, { value: false, weight: 90 }] } },
  });
  runId = await runWorkflow(editor, workflowId, { amount: 12 });
  await waitForRun(editor, runId);
  const failing = await publish(editor, linear([{ id: "boom", type: "transform", config: { output: "{{ $number('x') }}" } }]), "Accessible failure");
  await waitForRun(editor, await runWorkflow(editor, failing), ["failed"]);
});
afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

async function violations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    return axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
  });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

const describeAll = (found: Violation[]) =>
  found.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `  ${n.target.join(" ")}: ${n.failureSummary.replaceAll("\n", " ")}`).join("\n")}`).join("\n\n");

/** Opens `path` as `role`, waits for `ready`, and checks the page. */
async function check(path: string, role: "viewer" | "editor" | "operator" | "admin", ready: (page: Page) => Promise<unknown>, viewport?: { width: number; height: number }) {
  const page = await signedIn(browser, engine.web.url, role, path, viewport);
  await ready(page);
  const found = await violations(page);
  await page.context().close();
  expect(found, describeAll(found)).toEqual([]);
}

describe("every page passes WCAG 2.1 A and AA (no serious or critical violation)", () => {
  it("the sign-in page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${engine.web.url}/login`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("form").getByRole("alert").waitFor();
    const found = await violations(page);
    await context.close();
    expect(found, describeAll(found)).toEqual([]);
  });

  it("the workflows list", () => check("/workflows", "editor", (p) => p.getByRole("link", { name: "Accessible checkout" }).waitFor()));
  it("the editor, with a step selected", () =>
    check(`/workflows/${workflowId}`, "editor", async (p) => {
      await p.getByTestId("node-price").click();
      await p.getByTestId("step-test").waitFor();
    }));
  it("the editor, read-only", () => check(`/workflows/${workflowId}`, "viewer", (p) => p.getByTestId("node-price").waitFor()));
  it("a published version", () => check(`/workflows/${workflowId}/versions/1`, "viewer", (p) => p.getByTestId("node-wait").waitFor()));
  it("a comparison of versions", () => check(`/workflows/${workflowId}/compare?from=1&to=2`, "viewer", (p) => p.getByTestId("diff-list").waitFor()));
  it("the runs list", () => check("/runs", "operator", (p) => p.getByTestId(`run-row-${runId}`).waitFor()));
  it("a run, with a step open", () =>
    check(`/runs/${runId}?step=price`, "operator", async (p) => {
      await p.getByTestId("step-panel").waitFor();
      await p.getByTestId("timeline").waitFor();
    }));
  it("a run on a phone", () => check(`/runs/${runId}`, "operator", (p) => p.getByTestId("step-list").waitFor(), PHONE));
  it("the flags", () => check("/flags", "viewer", (p) => p.getByTestId("flag-accessible-flag").waitFor()));
  it("a flag", () => check("/flags/accessible-flag", "editor", (p) => p.getByTestId("flag-rule-1").waitFor()));
  it("a rollout", () => check(`/workflows/${workflowId}/rollout`, "editor", (p) => p.getByTestId("rollout-comparison").waitFor()));
  it("the dashboard", () => check("/dashboard", "viewer", (p) => p.getByRole("heading", { name: "Dashboard" }).waitFor()));
  it("the dead letters", () => check("/dead-letters", "operator", (p) => p.locator('[data-testid^="dead-letter-"]').first().waitFor()));
  it("the account settings", () => check("/settings/account", "viewer", (p) => p.getByRole("heading", { name: "Settings" }).waitFor()));
  it("the users settings", () => check("/settings/users", "admin", (p) => p.getByRole("table").waitFor()));
  it("the API tokens settings", () => check("/settings/tokens", "admin", (p) => p.getByRole("heading", { name: "Settings" }).waitFor()));
  it("the network settings", () => check("/settings/network", "admin", (p) => p.getByRole("heading", { name: "Settings" }).waitFor()));
  it("the alerts settings", () => check("/settings/alerts", "admin", (p) => p.getByRole("heading", { name: "Channels" }).waitFor()));
  it("the sign-in settings", () => check("/settings/sign-in", "admin", (p) => p.getByRole("heading", { name: "Settings" }).waitFor()));
});

describe("live changes on the run page", () => {
  it("are told to screen readers, together, and not what was there on arrival", async () => {
    const editor = await engine.as("editor");
    const id = await publish(
      editor,
      linear([
        // Long enough to be still waiting when the page has opened, on a busy machine.
        { id: "pause", type: "delay", name: "Wait a moment", config: { durationMs: 8000 } },
        { id: "shape", type: "transform", name: "Shape the reply", config: { output: 1 } },
      ]),
      "Announced run",
    );
    const run = await runWorkflow(editor, id);
    const page = await signedIn(browser, engine.web.url, "viewer", `/runs/${run}`);
    const announcer = page.getByTestId("run-announcer");
    await page.getByTestId("step-list").getByText("Shape the reply").waitFor();
    expect(await announcer.getAttribute("aria-live")).toBe("polite");
    expect(await announcer.textContent()).toBe("");
    // Every message the region says, in order (how changes group depends on when they arrive).
    await page.evaluate(() => {
      const region = document.querySelector('[data-testid="run-announcer"]')!;
      const told: string[] = ((window as unknown as { told: string[] }).told = []);
      new MutationObserver(() => told.push(region.textContent ?? "")).observe(region, { childList: true, characterData: true, subtree: true });
    });
    await expect.poll(() => announcer.textContent(), { timeout: 30_000 }).toContain("Run succeeded.");
    const told = await page.evaluate(() => (window as unknown as { told: string[] }).told.filter(Boolean));
    // Said by name, each once, several changes to a message: fewer messages than changes.
    const all = told.join(" ");
    for (const change of ["Wait a moment succeeded", "Shape the reply succeeded", "Run succeeded"]) expect(all.split(change).length - 1, all).toBe(1);
    expect(all).not.toMatch(/\b(pause|shape) succeeded/);
    expect(told.length).toBeLessThan(4);
    await page.context().close();
  });
});
