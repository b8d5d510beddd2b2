// Authentication, authorization, same-origin rule and bad input, against a real web process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { startWeb, type Web } from "../helpers/processes.ts";
import { Client } from "../helpers/http.ts";
import { createRoleUsers, emailFor, PASSWORD } from "../helpers/fixtures.ts";
import { startProxy } from "../helpers/proxy.ts";
import { sha256 } from "../../lib/auth/secrets.ts";

let db: TestDatabase;
let web: Web;
const client = () => new Client(web.url);
const as = (role: Parameters<typeof emailFor>[0]) => client().login(emailFor(role), PASSWORD);

beforeAll(async () => {
  db = await freshDatabase();
  await createRoleUsers(db.prisma);
  web = await startWeb(db.url);
});

afterAll(async () => {
  await web?.stop();
  await db?.close();
});

function expectProblem(res: { status: number; headers: Headers; json: { status: number; detail: string } }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.json.status).toBe(status);
  expect(res.json.detail).toEqual(expect.any(String));
}

describe("authentication", () => {
  it("answers 401 problem+json without credentials", async () => {
    const res = await client().get("/users");
    expectProblem(res, 401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("rejects a wrong password with 401 and creates no session", async () => {
    const before = await db.prisma.session.count();
    const res = await client().post("/auth/login", { email: emailFor("admin"), password: "not the password" });
    expectProblem(res, 401);
    expect(res.json.detail).toBe("The email or password is wrong.");
    expect(await db.prisma.session.count()).toBe(before);
  });

  it("treats an unknown email exactly like a wrong password", async () => {
    const res = await client().post("/auth/login", { email: "nobody@test.local", password: PASSWORD });
    expectProblem(res, 401);
    expect(res.json.detail).toBe("The email or password is wrong.");
  });

  it("signs in with an httpOnly SameSite session cookie, and signs out", async () => {
    const c = client();
    const res = await c.post("/auth/login", { email: emailFor("editor").toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^baton_session=[\w-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect((await c.get("/me")).json).toMatchObject({ type: "user", email: emailFor("editor"), role: "editor" });

    const out = await c.post("/auth/logout");
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    const stale = new Client(web.url);
    stale.cookie = cookie.split(";")[0];
    expectProblem(await stale.get("/me"), 401);
  });
});

describe("sessions and cookies", () => {
  it("end at their absolute lifetime however recently they were used", async () => {
    const c = await client().login(emailFor("operator"), PASSWORD);
    expect((await c.get("/me")).status).toBe(200);
    const id = sha256(c.cookie!.split("=")[1]);
    await db.prisma.session.update({ where: { id }, data: { createdAt: new Date(Date.now() - 31 * 86_400_000), lastSeenAt: new Date() } });
    expectProblem(await c.get("/me"), 401);
  });

  it("treat a cookie that is not valid percent-encoding as no cookie (401, not 500)", async () => {
    const c = client();
    c.cookie = "baton_session=%E0%A4%A";
    expectProblem(await c.get("/me"), 401);
  });
});

describe("the sign-in page", () => {
  it("sends people on only to a path on Baton after signing in", async () => {
    // The sign-in form's `next` prop, from the page's RSC payload (the page also echoes its own URL).
    const nextOf = async (next: string) => {
      const html = await (await fetch(`${web.url}/login?next=${encodeURIComponent(next)}`)).text();
      return /\\"next\\":\\"(.*?)\\"/.exec(html)?.[1];
    };
    // `next=/%09/evil.example` in a link arrives decoded, as "/\t/evil.example".
    for (const hostile of ["/\\evil.example", "/\t/evil.example", "//evil.example", "https://evil.example/x", "/\\/evil.example"]) {
      expect(await nextOf(hostile), hostile).toBe("/workflows");
    }
    expect(await nextOf("/runs?status=failed")).toBe("/runs?status=failed");
  });
});

describe("authorization", () => {
  it("answers 403 naming the permission when the role lacks it, and changes nothing", async () => {
    const before = await db.prisma.user.count();
    const res = await (await as("viewer")).post("/users", { email: "x@test.local", name: "X", role: "viewer", password: PASSWORD });
    expectProblem(res, 403);
    expect(res.json.detail).toContain("admin");
    expect(await db.prisma.user.count()).toBe(before);
  });

  it("lets an admin do what every role may", async () => {
    const admin = await as("admin");
    expect((await admin.get("/users")).json.users).toHaveLength(5);
  });
});

describe("same-origin rule for cookie-authenticated writes", () => {
  const body = (email: string) => ({ email, name: "Origin Test", role: "viewer", password: PASSWORD });

  it("refuses a write from another origin with 403", async () => {
    const res = await (await as("admin")).post("/users", body("o1@test.local"), { origin: "https://evil.example" });
    expectProblem(res, 403);
    expect(await db.prisma.user.findUnique({ where: { email: "o1@test.local" } })).toBeNull();
  });

  it("refuses a write without an Origin header with 403", async () => {
    const res = await (await as("admin")).post("/users", body("o2@test.local"), { origin: null });
    expectProblem(res, 403);
  });

  it("accepts the same write from Baton's own origin", async () => {
    const res = await (await as("admin")).post("/users", body("o3@test.local"));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ email: "o3@test.local", role: "viewer" });
    expect(res.json).not.toHaveProperty("passwordHash");
  });

  it("refuses a cross-site sign-in form", async () => {
    const res = await client().post("/auth/login", { email: emailFor("admin"), password: PASSWORD }, { origin: "https://evil.example" });
    expectProblem(res, 403);
  });
});

describe("API tokens", () => {
  it("are created once, act with their role, and stop working when revoked", async () => {
    const admin = await as("admin");
    const created = await admin.post("/tokens", { name: "ci-bot", role: "editor" });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^bt_[\w-]{43}$/);
    const stored = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.json.id } });
    expect(stored.tokenHash).not.toContain(created.json.token);
    expect(stored.createdBy).toBe(`user:${emailFor("admin")}`);

    const list = await admin.get("/tokens");
    expect(JSON.stringify(list.json)).not.toContain(created.json.token);

    const bot = client();
    bot.token = created.json.token;
    expect((await bot.get("/me")).json).toMatchObject({ type: "token", name: "ci-bot", role: "editor" });
    // No Origin needed for bearer tokens, but the editor role may not manage users.
    expectProblem(await bot.post("/users", { email: "b@test.local", name: "B", role: "viewer", password: PASSWORD }, { origin: null }), 403);

    expect((await admin.delete(`/tokens/${created.json.id}`)).status).toBe(204);
    const revoked = await bot.get("/me");
    expectProblem(revoked, 401);
    expect(revoked.json.detail).toContain("revoked");
    const audit = await db.prisma.auditEntry.findMany({ where: { targetId: created.json.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["token.created", "token.revoked"]);
  });

  it("expire, refuse an expiry in the past, and stop working while their owner is disabled", async () => {
    const admin = await as("admin");
    const past = await admin.post("/tokens", { name: "old", role: "viewer", expiresAt: "2020-01-01T00:00:00Z" });
    expectProblem(past, 422);
    expect(past.json.errors).toEqual([{ path: "expiresAt", message: "Choose a time in the future." }]);

    // An owner who is not the signed-in admin, so that disabling them keeps this test's admin.
    const owner = await admin.post("/users", { email: "owner@test.local", name: "Owner", role: "admin", password: PASSWORD });
    const ownerClient = await client().login("owner@test.local", PASSWORD);
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await ownerClient.post("/tokens", { name: "owned", role: "admin", expiresAt });
    expect(created.json).toMatchObject({ expiresAt: expect.any(String), createdByUser: { email: "owner@test.local", disabledAt: null } });
    const bot = client();
    bot.token = created.json.token;
    expect((await bot.get("/me")).status).toBe(200);

    // A token made by this token belongs to the same person.
    const child = await bot.post("/tokens", { name: "owned-child", role: "viewer" }, { origin: null });
    expect(child.status).toBe(201);
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: child.json.id } })).createdByUserId).toBe(owner.json.id);
    const childBot = client();
    childBot.token = child.json.token;

    await admin.patch(`/users/${owner.json.id}`, { disabled: true });
    expectProblem(await bot.get("/me"), 401);
    expectProblem(await childBot.get("/me"), 401);
    await admin.patch(`/users/${owner.json.id}`, { disabled: false });
    expect((await bot.get("/me")).status).toBe(200);

    await db.prisma.apiToken.update({ where: { id: created.json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectProblem(await bot.get("/me"), 401);
    expect((await admin.get("/tokens")).json.tokens.find((t: { id: string }) => t.id === created.json.id).expiresAt).toBeTruthy();
  });

  it("answers 401 for a made-up token", async () => {
    const bot = client();
    bot.token = "bt_made-up";
    expectProblem(await bot.get("/me"), 401);
  });
});

describe("users", () => {
  it("refuses a second user with the same email with 409", async () => {
    const res = await (await as("admin")).post("/users", { email: emailFor("viewer"), name: "Dup", role: "viewer", password: PASSWORD });
    expectProblem(res, 409);
  });

  it("ends a disabled user's sessions and refuses their sign-in", async () => {
    const admin = await as("admin");
    const created = await admin.post("/users", { email: "leaver@test.local", name: "Leaver", role: "operator", password: PASSWORD });
    const leaver = await client().login("leaver@test.local", PASSWORD);
    expect((await leaver.get("/me")).status).toBe(200);

    const disabled = await admin.patch(`/users/${created.json.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.json.disabledAt).not.toBeNull();
    expectProblem(await leaver.get("/me"), 401);
    expect(await db.prisma.session.count({ where: { userId: created.json.id } })).toBe(0);
    expectProblem(await client().post("/auth/login", { email: "leaver@test.local", password: PASSWORD }), 403);
  });

  it("changes a role, which takes effect on the next request", async () => {
    const admin = await as("admin");
    const created = await admin.post("/users", { email: "promoted@test.local", name: "P", role: "viewer", password: PASSWORD });
    const person = await client().login("promoted@test.local", PASSWORD);
    expectProblem(await person.get("/users"), 403);
    expect((await admin.patch(`/users/${created.json.id}`, { role: "admin" })).json.role).toBe("admin");
    expect((await person.get("/users")).status).toBe(200);
  });

  it("keeps the last active admin", async () => {
    const admins = await db.prisma.user.findMany({ where: { role: "admin", disabledAt: null } });
    const admin = await as("admin");
    // Demote all but the signed-in admin, then try to demote that one too.
    for (const other of admins.filter((a) => a.email !== emailFor("admin"))) {
      await admin.patch(`/users/${other.id}`, { role: "viewer" });
    }
    const me = admins.find((a) => a.email === emailFor("admin"))!;
    const res = await admin.patch(`/users/${me.id}`, { role: "viewer" });
    expectProblem(res, 409);
    expect(res.json.detail).toContain("last active admin");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: me.id } })).role).toBe("admin");
  });

  it("answers 404 for an id that is not a user", async () => {
    const admin = await as("admin");
    expectProblem(await admin.patch("/users/not-a-uuid", { name: "x" }), 404);
    expectProblem(await admin.patch("/users/00000000-0000-4000-8000-000000000000", { name: "x" }), 404);
  });

  it("lets a person change their own password and ends their other sessions", async () => {
    await (await as("admin")).post("/users", { email: "self@test.local", name: "Self", role: "viewer", password: PASSWORD });
    const first = await client().login("self@test.local", PASSWORD);
    const second = await client().login("self@test.local", PASSWORD);
    const wrong = await first.post("/me/password", { currentPassword: "nope", newPassword: "a brand new password" });
    expectProblem(wrong, 422);
    expect(wrong.json.errors).toEqual([{ path: "currentPassword", message: "That is not your current password." }]);
    expect((await first.post("/me/password", { currentPassword: PASSWORD, newPassword: "a brand new password" })).status).toBe(204);
    expect((await first.get("/me")).status).toBe(200);
    expectProblem(await second.get("/me"), 401);
    await client().login("self@test.local", "a brand new password");
  });
});

describe("bad input changes nothing", () => {
  const count = () => db.prisma.user.count();

  it("answers 400 to malformed JSON", async () => {
    const before = await count();
    const res = await (await as("admin")).request("POST", "/users", { rawBody: '{"email": "a@b.c",' });
    expectProblem(res, 400);
    expect(res.json.detail).toContain("not valid JSON");
    expect(await count()).toBe(before);
  });

  it("answers 422 naming unknown and invalid fields", async () => {
    const before = await count();
    const res = await (await as("admin")).post("/users", { email: "not-an-email", name: "", role: "boss", password: "short", extra: 1 });
    expectProblem(res, 422);
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["email", "extra", "name", "password", "role"]);
    expect(res.json.errors.find((e: { path: string }) => e.path === "extra").message).toBe("Remove “extra”: it is not a known field.");
    expect(await count()).toBe(before);
  });

  it("answers 413 to a body over 1 MiB", async () => {
    const before = await count();
    const res = await (await as("admin")).request("POST", "/users", {
      rawBody: JSON.stringify({ email: "big@test.local", name: "x".repeat(1024 * 1024), role: "viewer", password: PASSWORD }),
    });
    expectProblem(res, 413);
    expect(await count()).toBe(before);
  });

  it("answers 415 to a body that is not JSON", async () => {
    const res = await (await as("admin")).request("POST", "/users", { rawBody: "email=a", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expectProblem(res, 415);
  });

  it("answers 404 problem+json for an unknown API path", async () => {
    const res = await client().get("/no/such/thing");
    expectProblem(res, 404);
  });
});

describe("health", () => {
  it("reports the database, migrations and the absence of workers", async () => {
    const res = await client().get("/health");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: "degraded",
      database: { reachable: true },
      migrations: { pending: [], failed: [] },
      workers: { alive: 0, lastHeartbeatAt: null },
    });
    expect(res.json.migrations.applied).toBeGreaterThan(0);
  });

  it("answers 503 without the database's error text when the database is out of reach", async () => {
    const proxy = await startProxy(db.url);
    const url = new URL(db.url);
    url.host = new URL(proxy.url).host;
    const cut = await startWeb(url.toString());
    try {
      proxy.cut();
      const res = await new Client(cut.url).get("/health");
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ status: "down", database: { reachable: false, error: expect.stringContaining("does not answer") } });
      expect(res.text).not.toMatch(/ECONNREFUSED|ECONNRESET|terminated|127\.0\.0\.1|postgres|password/i);
    } finally {
      await cut.stop();
      await proxy.close();
    }
  });
});
