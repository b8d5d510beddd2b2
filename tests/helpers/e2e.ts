// An e2e file's engine and Chromium: started before its tests, stopped after them.
import { afterAll, beforeAll } from "vitest";
import type { Browser } from "playwright-core";
import { startEngine, type Engine } from "./engine.ts";
import { launchBrowser } from "./browser.ts";

export function engineAndBrowser(options?: Parameters<typeof startEngine>[0]): { engine: Engine; browser: Browser } {
  const env = {} as { engine: Engine; browser: Browser };
  beforeAll(async () => {
    [env.engine, env.browser] = await Promise.all([startEngine(options), launchBrowser()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.engine?.stop();
  });
  return env;
}
