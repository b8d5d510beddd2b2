// Sign-in throttling in Postgres: two web processes share one budget; failures slow attempts
// down rather than lock an account, so a stranger hammering from one address cannot keep the
// owner out from another; a burst of concurrent guesses gets one through per wait; without a
// proxy a claimed address counts for nothing; admins see and clear counts; password hashing is
// capped per process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { startWeb, waitFor, type Web } from "../helpers/processes.ts";
import { Client } from "../helpers/http.ts";
import { createRoleUsers, emailFor, PASSWORD } from "../helpers/fixtures.ts";

let db: TestDatabase;
let webs: Web[];

beforeAll(async () => {
  db = await freshDatabase();
  await createRoleUsers(db.prisma);
  // Behind one proxy, as the X-Forwarded-For headers below say; the third is exposed directly.
  webs = await Promise.all([
    startWeb(db.url, { BATON_TRUSTED_PROXIES: "1" }),
    startWeb(db.url, { BATON_TRUSTED_PROXIES: "1", BATON_PASSWORD_HASHES_AT_ONCE: "1" }),
    startWeb(db.url, { BATON_TRUSTED_PROXIES: "0" }),
  ]);
});
afterAll(async () => {
  await Promise.all(webs?.map((w) => w.stop()) ?? []);
  await db?.close();
});

/** A sign-in attempt through web process `n`, from the client address `from`. */
function attempt(n: number, from: string, email: string, password: string) {
  return new Client(webs[n].url).post("/auth/login", { email, password }, { headers: { "x-forwarded-for": from } });
}

describe("sign-in throttling", () => {
  it("counts failures across web processes: the sixth in a row from one address makes the next wait", async () => {
    const email = emailFor("editor");
    for (let i = 0; i < 6; i++) expect((await attempt(i % 2, "203.0.113.1", email, "wrong password")).status).toBe(401);
    const slowed = await attempt(1, "203.0.113.1", email, PASSWORD);
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(slowed.json.detail).toMatch(/Too many failed sign-ins for this account from your address; wait \d+ s/);
    const row = await db.prisma.loginThrottle.findUniqueOrThrow({ where: { key: `account-address:${email}|203.0.113.1` } });
    // Six failures, and the refused seventh attempt counted nothing.
    expect(row.failures).toBe(6);
    // The wait passes; the right password then works, and clears this address's count.
    await waitFor("the wait to pass", async () => (await attempt(0, "203.0.113.1", email, PASSWORD)).status === 200, 10_000, 250);
    expect(await db.prisma.loginThrottle.findUnique({ where: { key: `account-address:${email}|203.0.113.1` } })).toBeNull();
  });

  it("never locks the owner out: after a stranger's many failures, the right password from elsewhere signs in", async () => {
    const email = emailFor("admin");
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push((await attempt(i % 2, "198.51.100.66", email, `guess ${i}`)).status);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(20);
    expect(answers.every((s) => s === 401 || s === 429)).toBe(true);
    // One more failure: it is either refused (a wait is on) or counted, which starts a wait.
    await attempt(0, "198.51.100.66", email, "one more guess");
    expect((await attempt(1, "198.51.100.66", email, PASSWORD)).status).toBe(429);
    expect((await attempt(0, "192.0.2.10", email, PASSWORD)).status).toBe(200);
  });

  it("lets one attempt through per wait however many arrive at once", async () => {
    const email = emailFor("approver");
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(i % 2, "198.51.100.9", email, `burst ${i}`)));
    const checked = burst.filter((r) => r.status === 401).length;
    // Five free, the sixth starts a 1 s wait; a seventh only if the burst outlasted that wait.
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(7);
    expect(burst.filter((r) => r.status === 429).length).toBe(30 - checked);
  });

  it("without a proxy, counts no claimed address: a stranger cannot slow others down by naming their address", async () => {
    // Directly exposed (BATON_TRUSTED_PROXIES=0), X-Forwarded-For is whatever the client says.
    for (let i = 0; i < 25; i++) expect((await attempt(2, "192.0.2.77", emailFor("operator"), `guess ${i}`)).status).toBe(401);
    expect((await attempt(2, "192.0.2.77", emailFor("viewer"), PASSWORD)).status).toBe(200);
    expect(await db.prisma.loginThrottle.count({ where: { key: { contains: "192.0.2.77" } } })).toBe(0);
    expect((await db.prisma.loginThrottle.findUniqueOrThrow({ where: { key: `account:${emailFor("operator")}` } })).failures).toBe(25);
  });

  it("lets an admin see the counts and clear one", async () => {
    const admin = await new Client(webs[0].url).login(emailFor("admin"), PASSWORD);
    const list = await admin.get("/login-throttles");
    expect(list.status).toBe(200);
    const stranger = list.json.throttles.find((t: { key: string }) => t.key === `account-address:${emailFor("admin")}|198.51.100.66`);
    expect(stranger).toMatchObject({ kind: "account-address", email: emailFor("admin"), address: "198.51.100.66" });
    expect(stranger.failures).toBeGreaterThan(5);
    expect(list.json.rules["account-address"]).toEqual({ free: 5, maxSeconds: 900 });
    // A long wait is on (as after many more failures); clearing the count lifts it.
    await db.prisma.loginThrottle.update({ where: { key: stranger.key }, data: { blockedUntil: new Date(Date.now() + 10 * 60_000) } });
    expect((await attempt(1, "198.51.100.66", emailFor("admin"), PASSWORD)).status).toBe(429);

    const viewer = await new Client(webs[0].url).login(emailFor("viewer"), PASSWORD);
    expect((await viewer.get("/login-throttles")).status).toBe(403);

    const cleared = await admin.delete(`/login-throttles/${encodeURIComponent(stranger.key)}`);
    expect(cleared.status).toBe(204);
    expect((await attempt(1, "198.51.100.66", emailFor("admin"), PASSWORD)).status).toBe(200);
    expect((await admin.delete(`/login-throttles/${encodeURIComponent(stranger.key)}`)).status).toBe(404);
    const audit = await db.prisma.auditEntry.findMany({ where: { action: "login_throttle.cleared" } });
    expect(audit).toEqual([expect.objectContaining({ actor: `user:${emailFor("admin")}`, targetId: stranger.key })]);
  });

  // 64 hashes in line, one at a time: on a loaded two-core machine that takes more than a minute.
  it("checks at most the configured number of passwords at once, and asks the rest to retry", { timeout: 240_000 }, async () => {
    // Web process 1 hashes one password at a time and keeps a line of 64.
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(1, `10.9.${Math.floor(i / 200)}.${i % 200}`, `nobody${i}@test.local`, "whatever")));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = answers.find((a) => a.status === 503)!;
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(busy.json.detail).toContain("try again in a moment");
  });
});
