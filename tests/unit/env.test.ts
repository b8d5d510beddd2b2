import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../lib/env.ts";

describe("parseEnv", () => {
  it("applies defaults and coerces numbers and booleans", () => {
    const env = parseEnv({ PORT: "4000", BATON_SEED_EXAMPLES: "false" });
    expect(env.PORT).toBe(4000);
    expect(env.BATON_SEED_EXAMPLES).toBe(false);
    expect(env.WORKER_CONCURRENCY).toBe(20);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names every faulty variable", () => {
    const attempt = () => parseEnv({ PORT: "http", DATABASE_URL: "mysql://x", BATON_ADMIN_PASSWORD: "short" });
    expect(attempt).toThrow(EnvError);
    const message = (() => {
      try {
        attempt();
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(message).toMatch(/BATON_ADMIN_PASSWORD: must be at least 12 characters/);
  });
});
