// Chromium driven by playwright-core (Playwright's own browser download is unreachable from our
// machines): CHROMIUM_PATH when set, else the system's Chromium when there is one, else the
// binary that ships inside the `@sparticuz/chromium` package, so that `npm install && npm test`
// needs nothing installed by hand.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Role } from "../../lib/auth/permissions.ts";
import { emailFor, PASSWORD } from "./fixtures.ts";

export const ARTIFACTS = "tests/.artifacts";
const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

let found: Promise<string> | undefined;

/**
 * The Chromium to drive. The packaged one is unpacked into the temporary folder on first use
 * (about 2 s); the tests' global setup calls this once before any test file runs, so parallel
 * files never unpack it at the same time.
 */
export function chromiumPath(): Promise<string> {
  found ??= (async () => {
    const configured = process.env.CHROMIUM_PATH;
    if (configured) {
      if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, which does not exist: fix it or unset it to use the packaged Chromium.`);
      return configured;
    }
    const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
    if (system) return system;
    const { default: packaged } = await import("@sparticuz/chromium");
    return packaged.executablePath();
  })();
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ],
  });
}

export async function screenshot(page: Page, name: string, path = `${ARTIFACTS}/${name}.png`): Promise<string> {
  await mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Fills and sends the sign-in form on the current page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A phone-sized window (an iPhone 14's CSS pixels). */
export const PHONE = { width: 390, height: 844 };

/** A new browser context signed in as the test user of `role`, on `path` of the app at `baseUrl`;
 * a laptop-sized window unless `viewport` says otherwise. */
export async function signedIn(browser: Browser, baseUrl: string, role: Role, path = "/workflows", viewport = { width: 1440, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, ...(viewport.width < 600 ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(path)}`);
  await signIn(page, emailFor(role), PASSWORD);
  await page.waitForURL(`${baseUrl}${path}`);
  return page;
}
