// Sign-in, the app shell, settings and sign-out in a real Chromium against the built app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { startWeb, type Web } from "../helpers/processes.ts";
import { launchBrowser, screenshot, signIn } from "../helpers/browser.ts";
import { createRoleUsers, emailFor, PASSWORD } from "../helpers/fixtures.ts";

let db: TestDatabase;
let web: Web;
let browser: Browser;

beforeAll(async () => {
  db = await freshDatabase();
  await createRoleUsers(db.prisma);
  [web, browser] = await Promise.all([startWeb(db.url), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await db?.close();
});

describe("signing in", () => {
  it("sends a visitor to sign-in, shows a wrong password, then opens the page asked for", async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/runs`);
    await page.waitForURL(/\/login\?next=%2Fruns$/);

    await signIn(page, emailFor("admin"), "not my password");
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "wrong" }).textContent()).toBe("The email or password is wrong.");
    expect(page.url()).toContain("/login");

    await signIn(page, emailFor("admin"), PASSWORD);
    await page.waitForURL(`${web.url}/runs`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Runs");
    await page.close();
  });
});

describe("the app shell", () => {
  it("shows navigation, the empty workflows page and the user menu; signing out ends the session", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${web.url}/login`);
    await signIn(page, emailFor("editor"), PASSWORD);
    await page.waitForURL(`${web.url}/workflows`);

    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link").allTextContents()).toEqual(["Workflows", "Runs", "Approvals", "Dashboard", "Events", "Rules", "Flags", "Dead letters", "Dependencies", "Settings"]);
    expect(await nav.getByRole("link", { name: "Workflows" }).getAttribute("aria-current")).toBe("page");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Workflows");
    await page.getByText("No workflows yet").waitFor();
    await screenshot(page, "shell-workflows");

    await nav.getByRole("link", { name: "Dashboard" }).click();
    await page.waitForURL(`${web.url}/dashboard`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Dashboard");

    await page.getByRole("button", { name: /^Editor User ?, account menu/ }).click();
    expect(await page.getByRole("menu").getByText(emailFor("editor")).isVisible()).toBe(true);
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);

    await page.goto(`${web.url}/workflows`);
    await page.waitForURL(/\/login\?next=%2Fworkflows$/);
    await page.close();
  });
});

describe("settings", () => {
  it("lets an admin add a user who can then sign in", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${web.url}/settings`);
    await signIn(page, emailFor("admin"), PASSWORD);
    await page.waitForURL(`${web.url}/settings/users`);
    await page.getByRole("button", { name: "Add user" }).click();
    const dialog = page.getByRole("dialog", { name: "Add user" });
    await dialog.getByLabel("Name").fill("Grace Hopper");
    await dialog.getByLabel("Email").fill("grace@test.local");
    await dialog.getByLabel("Role").selectOption("operator");
    await dialog.getByLabel("Password").fill("short");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await expect.poll(() => dialog.getByText("Use at least 12 characters.").isVisible()).toBe(true);
    expect(await db.prisma.user.count({ where: { email: "grace@test.local" } })).toBe(0);

    await dialog.getByLabel("Password").fill("a long enough password");
    await dialog.getByRole("button", { name: "Add user" }).click();
    const row = page.getByTestId("user-grace@test.local");
    await row.waitFor();
    expect(await row.getByLabel("Role of grace@test.local").inputValue()).toBe("operator");
    await screenshot(page, "settings-users");
    await page.close();

    const grace = await browser.newPage();
    await grace.goto(`${web.url}/login`);
    await signIn(grace, "grace@test.local", "a long enough password");
    await grace.waitForURL(`${web.url}/workflows`);
    await grace.goto(`${web.url}/settings/users`);
    expect(await grace.getByText("Only admins manage users").isVisible()).toBe(true);
    await grace.close();
  });
});
