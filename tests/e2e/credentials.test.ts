// Credentials in the browser: an admin adds one under Settings, an editor uses it in an HTTP
// step's headers (completed as secrets.NAME), the run calls with the real value, and the run page
// shows the header masked.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { linear, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { launchBrowser, screenshot, signedIn } from "../helpers/browser.ts";
import { node, saved, typeInto } from "../helpers/editor.ts";

const VALUE = "e2e-secret-4c1d9a7b3f";
let engine: Engine;
let browser: Browser;
let server: Server;
let url: string;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charge`;
  [engine, browser] = await Promise.all([startEngine(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  server?.close();
});

describe("credentials and integration steps in the browser", () => {
  it("are added by an admin, used in a step's headers by an editor, and masked on the run page", async () => {
    const settings = await signedIn(browser, engine.web.url, "admin", "/settings/credentials");
    await settings.getByRole("button", { name: "New credential" }).click();
    const dialog = settings.getByRole("dialog", { name: "New credential" });
    await dialog.getByLabel("Name").fill("PAYMENTS_TOKEN");
    await dialog.getByLabel("Kind").selectOption("http_bearer");
    await dialog.getByLabel("Description").fill("Payments API, test mode");
    await dialog.getByLabel("The token").fill(VALUE);
    await dialog.getByRole("button", { name: "Add credential" }).click();
    const row = settings.getByTestId("credential-PAYMENTS_TOKEN");
    await expect.poll(() => row.textContent()).toContain("set · …7b3f");
    expect(await settings.content()).not.toContain(VALUE);
    await screenshot(settings, "credentials");
    await settings.context().close();

    const editorApi = await engine.as("editor");
    const created = await editorApi.post("/workflows", { name: "Charge", definition: linear([{ id: "charge", type: "http", config: { method: "POST", url } }]) });
    const page = await signedIn(browser, engine.web.url, "editor", `/workflows/${created.json.id}`);
    await node(page, "charge").click();
    await typeInto(page.getByRole("textbox", { name: "Headers" }), '{"Authorization": "Bearer {{ secrets.PAYMENTS_TOKEN }}"}');
    await saved(page);
    await expect.poll(() => page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(false);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Published" }).textContent()).toBe("Published version 1");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("succeeded");
    expect(seen.at(-1)).toBe(`Bearer ${VALUE}`);
    await page.getByRole("link", { name: "Open run" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").at(-1)!;
    expect((await waitForRun(editorApi, runId)).status).toBe("succeeded");
    await node(page, "charge").click();
    const input = page.getByRole("region", { name: /^Input/ });
    await expect.poll(() => input.textContent()).toContain("[redacted]");
    expect(await page.content()).not.toContain(VALUE);
    await screenshot(page, "credential-masked");
    await page.context().close();
  });

  it("offer a Code step with a highlighted script editor that runs what is typed, and an outbox that shows an Email step's message", async () => {
    const editorApi = await engine.as("editor");
    const created = await editorApi.post("/workflows", {
      name: "Scripted",
      definition: {
        nodes: [
          { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
          { id: "mail", type: "email", position: { x: 600, y: 0 }, config: { to: "ops@example.com", subject: "Total {{ steps.code_1.output.total }}", text: "Computed by a script." } },
        ],
        edges: [],
      },
    });
    const page = await signedIn(browser, engine.web.url, "editor", `/workflows/${created.json.id}`);
    await node(page, "start").waitFor();
    expect(await page.getByTestId("palette-code").textContent()).toContain("Code");
    await page.getByRole("button", { name: "Add a step after start" }).click();
    await page.getByRole("dialog", { name: "Add a step after start" }).getByRole("option", { name: /^Code/ }).click();
    await node(page, "code_1").waitFor();
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await node(page, "code_1").click();
    const script = page.getByRole("textbox", { name: "Code" });
    await typeInto(script, "return { total: input.items.reduce((a, b) => a + b, 0) }");
    // The script's variables, not templates, and no secrets (there is one: PAYMENTS_TOKEN).
    await expect.poll(() => page.getByTestId("script-variables").textContent()).toContain("input");
    expect(await page.getByTestId("script-variables").textContent()).not.toContain("secrets");
    // Highlighted as JavaScript: `return` is a keyword token.
    await expect.poll(() => page.locator(".cm-content").first().locator("span", { hasText: /^return$/ }).count()).toBeGreaterThan(0);
    await saved(page);
    // Connect code_1 → mail through the draft (the mouse-drag connection is covered elsewhere).
    const draft = (await editorApi.get(`/workflows/${created.json.id}`)).json;
    const definition = { ...draft.draft, edges: [...draft.draft.edges, { id: "to-mail", source: "code_1", target: "mail" }] };
    expect((await editorApi.put(`/workflows/${created.json.id}/draft`, { definition, revision: draft.draftRevision })).status).toBe(200);
    expect((await editorApi.post(`/workflows/${created.json.id}/versions`, { note: "script" })).status).toBe(201);
    const runId = (await editorApi.post(`/workflows/${created.json.id}/runs`, { input: { items: [2, 3, 5] } })).json.id;
    expect((await waitForRun(editorApi, runId)).status).toBe("succeeded");
    await screenshot(page, "code-step");
    await page.context().close();

    const outbox = await signedIn(browser, engine.web.url, "viewer", "/settings/outbox");
    await expect.poll(() => outbox.getByTestId("outbox-Total 10").count()).toBe(1);
    await expect.poll(() => outbox.getByRole("article").textContent()).toContain("Computed by a script.");
    await screenshot(outbox, "outbox");
    await outbox.context().close();
  });
});

