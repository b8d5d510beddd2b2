// Every page under app/ authenticates itself: requested with no cookie, a bogus cookie, a
// malformed one, an expired session or a disabled user's session, no page answers with data
// (workflow definitions, runs, users, tokens) in its body, even while it redirects to sign-in.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { startWeb, type Web } from "../helpers/processes.ts";
import { Client } from "../helpers/http.ts";
import { createRoleUsers, emailFor, PASSWORD } from "../helpers/fixtures.ts";
import { sha256 } from "../../lib/auth/secrets.ts";

let db: TestDatabase;
let web: Web;
const MARKER = "zebra-payroll-7f3c";
const ids = { workflow: "", run: "" };
let tokenPrefix = "";

/** Route patterns of every page: app/(app)/runs/[id]/page.tsx → /runs/[id]. */
function pages(dir = "app"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "api" ? [] : pages(path);
    if (name !== "page.tsx") return [];
    return [`/${relative("app", dir)}`.replace(/\/\([^)]+\)/g, "").replace(/\/$/, "") || "/"];
  });
}

function concrete(pattern: string): string {
  return pattern
    .replace(/^\/workflows\/\[id\]/, `/workflows/${ids.workflow}`)
    .replace(/^\/runs\/\[id\]/, `/runs/${ids.run}`)
    .replace("[number]", "1")
    .replace("[key]", "order-discount")
    // A decision link's page authenticates with its token: one that was never made.
    .replace("[token]", "A".repeat(43))
    .replace(/\/compare$/, "/compare?from=1&to=1");
}

beforeAll(async () => {
  db = await freshDatabase();
  await createRoleUsers(db.prisma);
  web = await startWeb(db.url);
  const admin = await new Client(web.url).login(emailFor("admin"), PASSWORD);
  const definition = {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
      { id: "pay", type: "transform", position: { x: 200, y: 0 }, config: { output: { note: MARKER } } },
    ],
    edges: [{ id: "e1", source: "start", target: "pay" }],
  };
  const created = await admin.post("/workflows", { name: `Payroll ${MARKER}`, definition });
  ids.workflow = created.json.id;
  expect((await admin.post(`/workflows/${ids.workflow}/versions`, { note: MARKER })).status).toBe(201);
  const run = await admin.post(`/workflows/${ids.workflow}/runs`, { input: { who: MARKER } });
  ids.run = run.json.id;
  tokenPrefix = (await admin.post("/tokens", { name: `bot-${MARKER}`, role: "viewer" })).json.prefix;
});

afterAll(async () => {
  await web?.stop();
  await db?.close();
});

/** A real session made unusable in the database, as its cookie. */
async function staleSession(change: "expired" | "too old" | "disabled user"): Promise<string> {
  const email = change === "disabled user" ? emailFor("viewer") : emailFor("editor");
  const client = await new Client(web.url).login(email, PASSWORD);
  const token = client.cookie!.split("=")[1];
  if (change === "expired") await db.prisma.session.update({ where: { id: sha256(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
  if (change === "too old") await db.prisma.session.update({ where: { id: sha256(token) }, data: { createdAt: new Date(Date.now() - 31 * 86_400_000), lastSeenAt: new Date() } });
  if (change === "disabled user") await db.prisma.user.update({ where: { email }, data: { disabledAt: new Date() } });
  return client.cookie!;
}

describe("pages without a valid session", () => {
  it("finds every page", () => {
    expect(pages()).toEqual(expect.arrayContaining(["/workflows", "/workflows/[id]", "/workflows/[id]/versions/[number]", "/workflows/[id]/compare", "/runs/[id]", "/settings/tokens", "/approvals", "/approve/[token]", "/login", "/"]));
  });

  it("answer with a redirect to sign-in and no data, whatever the cookie", async () => {
    const cookies: Record<string, string | undefined> = {
      none: undefined,
      bogus: "baton_session=x",
      malformed: "baton_session=%E0%A4%A",
      expired: await staleSession("expired"),
      "past its absolute lifetime": await staleSession("too old"),
      "of a disabled user": await staleSession("disabled user"),
    };
    // The marker is in the workflow's name, definition, version note and run input (ids are in the URLs asked for).
    const secrets = [MARKER, tokenPrefix, ...["admin", "editor", "operator", "viewer"].map((r) => emailFor(r as never))];
    const checked: string[] = [];
    for (const pattern of pages()) {
      const path = concrete(pattern);
      for (const [what, cookie] of Object.entries(cookies)) {
        for (const rsc of [false, true]) {
          const headers: Record<string, string> = {};
          if (cookie) headers.cookie = cookie;
          if (rsc) headers.rsc = "1";
          let res = await fetch(`${web.url}${path}`, { headers, redirect: "manual" });
          // A client-side navigation asks for the RSC payload; Next first sends it to the URL with
          // its cache-busting _rsc parameter.
          const location = res.headers.get("location");
          if (rsc && location?.includes("_rsc")) res = await fetch(new URL(location, web.url), { headers, redirect: "manual" });
          const body = await res.text();
          const where = `${path} with ${what} cookie${rsc ? " (RSC)" : ""}`;
          expect(res.status, where).toBeLessThan(500);
          if (pattern === "/approve/[token]") {
            if (!rsc) expect(body, where).toContain("This link does not work");
          } else if (pattern !== "/login") {
            // A redirect, as a status or (in an RSC payload) as an instruction to the router.
            // (The home page only forwards to /workflows, which then asks for a sign-in.)
            expect(res.headers.get("location") ?? body, where).toMatch(pattern === "/" ? /\/(login|workflows)/ : /\/login/);
            if (!rsc) expect([307, 308, 303, 302], where).toContain(res.status);
          }
          for (const secret of secrets) expect(body.includes(secret), `${where} shows ${secret}`).toBe(false);
          checked.push(where);
        }
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(pages().length * 12);
  });

  it("still render for a valid session (the check above can fail)", async () => {
    const client = await new Client(web.url).login(emailFor("admin"), PASSWORD);
    const res = await fetch(`${web.url}/workflows/${ids.workflow}/versions/1`, { headers: { cookie: client.cookie! }, redirect: "manual" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(MARKER);
  });
});
