// What the hardening looks like in the browser: a refused call and redacted credentials on the
// run page, slowed sign-ins and their admin page, the network policy, token expiry, and the
// dashboard telling of crashed processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { definition, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { launchBrowser, screenshot, signedIn, signIn } from "../helpers/browser.ts";
import { emailFor, PASSWORD } from "../helpers/fixtures.ts";

let engine: Engine;
let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  [engine, browser, server] = await Promise.all([startEngine({ webEnv: { BATON_TRUSTED_PROXIES: "1" } }), launchBrowser(), startTestServer()]);
  server.on("/orders", (_req, _n, res) => json(res, 200, { ok: true }, { "set-cookie": "session=abc123def456; HttpOnly" }));
});
afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  await server?.close();
});

async function signInPage(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${engine.web.url}/login`);
  return page;
}

/** The sign-in form's own message (Next's route announcer is an alert too). */
const formAlert = (page: Page) => page.locator("form").getByRole("alert");

describe("the run page", () => {
  it("shows a call the egress policy refused, and credentials only as [redacted]", async () => {
    const editor = await engine.as("editor");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          { id: "orders", type: "http", config: { url: `${server.url}/orders?api_key={{ input.key }}`, headers: { authorization: "Bearer {{ input.key }}" } } },
          { id: "metadata", type: "http", config: { url: "http://169.254.169.254/latest/meta-data/" } },
        ],
        [["start", "orders"], ["orders", "metadata"]],
      ),
      "Fetch orders",
    );
    const runId = await runWorkflow(editor, id, { key: "sk_live_e2e_9f8e7d" });
    await waitForRun(editor, runId);
    const page = await signedIn(browser, engine.web.url, "viewer", `/runs/${runId}`);
    await page.getByTestId("node-metadata").click();
    await expect.poll(() => page.getByTestId("step-error").textContent()).toContain("the egress policy refuses 169.254.169.254:80: cloud metadata endpoints are always refused");
    await screenshot(page, "run-egress-refused");

    await page.getByTestId("node-orders").click();
    await expect.poll(() => page.getByTestId("step-panel").textContent()).toContain("[redacted]");
    expect(await page.content()).not.toContain("sk_live_e2e_9f8e7d");
    expect(await page.content()).not.toContain("abc123def456");
    await screenshot(page, "run-redacted");
    await page.context().close();
  });
});

describe("sign-in throttling", () => {
  it("tells a person to wait after repeated failures, and an admin can clear it", async () => {
    const page = await signInPage();
    for (let i = 0; i < 6; i++) {
      await signIn(page, emailFor("operator"), `wrong ${i}`);
      await expect.poll(() => formAlert(page).textContent()).toMatch(/wrong|Too many/);
    }
    // The sixth failure started a wait of 1 s; make it a minute, as after more failures, so that
    // a slow machine does not see it end before the next attempt.
    const { rowCount } = await engine.db.pool.query(`update login_throttles set blocked_until = now() + interval '1 minute' where key like 'account-address:operator@test.local|%' and failures = 6`);
    expect(rowCount).toBe(1);
    await signIn(page, emailFor("operator"), PASSWORD);
    await expect.poll(() => formAlert(page).textContent()).toMatch(/^Too many failed sign-ins for this account from your address; wait \d+ s before trying again\.$/);
    await screenshot(page, "sign-in-throttled");

    const admin = await signedIn(browser, engine.web.url, "admin", "/settings/sign-in");
    const row = admin.getByTestId(/^throttle-account-address:operator@test\.local\|/);
    await row.waitFor();
    expect(await row.textContent()).toContain("Account, from one address");
    expect(await row.textContent()).toMatch(/6/);
    await screenshot(admin, "settings-sign-in", "docs/settings-sign-in.png");
    await row.getByRole("button", { name: "Clear" }).click();
    await row.waitFor({ state: "detached" });

    await signIn(page, emailFor("operator"), PASSWORD);
    await page.waitForURL(`${engine.web.url}/workflows`);
    await admin.context().close();
    await page.context().close();
  });
});

describe("settings", () => {
  it("shows the egress policy read-only, with what the environment allows", async () => {
    const page = await signedIn(browser, engine.web.url, "admin", "/settings/network");
    await page.getByRole("heading", { name: "Where workflows may connect" }).waitFor();
    await page.getByText("cloud metadata endpoints (169.254.169.254", { exact: false }).waitFor();
    expect(await page.getByTestId("egress-allow").textContent()).toContain("loopback");
    await screenshot(page, "settings-network");
    await page.context().close();

    const viewer = await signedIn(browser, engine.web.url, "viewer", "/settings/network");
    await viewer.getByText("Only admins manage network access").waitFor();
    await viewer.context().close();
  });

  it("creates an API token that expires, and shows when", async () => {
    const page = await signedIn(browser, engine.web.url, "admin", "/settings/tokens");
    await page.getByRole("button", { name: "Create token" }).click();
    const dialog = page.getByRole("dialog", { name: "Create API token" });
    await dialog.getByLabel("Name").fill("nightly-export");
    await dialog.getByLabel("Expires").selectOption("30");
    await dialog.getByRole("button", { name: "Create token" }).click();
    await page.getByTestId("new-token").waitFor();
    await page.getByRole("button", { name: "Done" }).click();
    const row = page.getByTestId("token-nightly-export");
    const expected = new Date(Date.now() + 30 * 86_400_000).toLocaleDateString("en-GB");
    await expect.poll(() => row.textContent()).toContain(expected);
    const stored = await engine.db.prisma.apiToken.findFirstOrThrow({ where: { name: "nightly-export" } });
    expect(Math.abs(stored.expiresAt!.getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(120_000);
    await page.context().close();
  });
});

describe("the dashboard", () => {
  it("says when the launcher had to restart a crashed process", async () => {
    // What the launcher records (tests/integration/launcher-supervision shows it doing so).
    await engine.db.pool.query(
      `insert into process_events (process, event, exit_code, signal, at) values
         ('worker', 'crashed', null, 'SIGKILL', now() - interval '2 minutes'), ('worker', 'restarted', null, null, now() - interval '119 seconds')`,
    );
    const page = await signedIn(browser, engine.web.url, "viewer", "/dashboard");
    const banner = page.getByTestId("process-crashes");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("worker crashed 1× in this window; Baton restarted it.");
    expect(await banner.textContent()).toContain("crashed (signal SIGKILL)");
    await screenshot(page, "dashboard-crash");
    await page.context().close();
  });
});
