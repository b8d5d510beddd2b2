import { defineConfig } from "vitest/config";

// Three projects, one `vitest run`: unit (pure logic), integration (embedded Postgres, real
// pg-boss, real web and worker processes) and e2e (Chromium against the built app). Each
// integration and e2e file makes its own database, so files run in parallel.
export default defineConfig({
  test: {
    globalSetup: ["tests/setup/global.ts"],
    maxWorkers: 4,
    // Slow machines and process start-up: generous, because these are limits, not assertions.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // How long expect.poll waits for a page or an API to show a state (1 s by default, too short
    // on a busy 2-core machine running four test files at once).
    expect: { poll: { timeout: 10_000 } },
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "integration", include: ["tests/integration/**/*.test.ts"] } },
      { extends: true, test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], testTimeout: 120_000 } },
    ],
  },
});
