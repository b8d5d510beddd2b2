import { defineConfig } from "vitest/config";

// Three projects, one `vitest run`: unit (pure logic), integration (embedded Postgres, real
// pg-boss, real web and worker processes) and e2e (Chromium against the built app). Each
// integration and e2e file makes its own database, so files run in parallel.
//
// The global setup is per project, and none is at the root (vitest always runs the root's): the
// unit project starts no Postgres, no Next build and no Chromium, so `vitest run --project unit`
// (or `vitest run tests/unit`) takes seconds. Integration and e2e share the full setup; it runs
// once per `vitest run`, whichever of them starts first.
const fullSetup = ["tests/setup/global.ts"];

export default defineConfig({
  test: {
    maxWorkers: 4,
    // Slow machines and process start-up: generous, because these are limits, not assertions.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // How long expect.poll waits for a page or an API to show a state (1 s by default, too short
    // on a busy 2-core machine running four test files at once).
    expect: { poll: { timeout: 10_000 } },
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], globalSetup: ["tests/setup/env.ts"] } },
      { extends: true, test: { name: "integration", include: ["tests/integration/**/*.test.ts"], globalSetup: fullSetup } },
      { extends: true, test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], globalSetup: fullSetup, testTimeout: 120_000 } },
    ],
  },
});
