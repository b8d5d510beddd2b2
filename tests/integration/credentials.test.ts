// Credentials on a real web process and worker: only admins write them, nobody reads a value back,
// a step's {{ secrets.NAME }} reaches the server it calls and nowhere else (not the step's input or
// output, the events, the logs, or any row of the database), and rotation re-encrypts every value.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { TEST_SECRET_KEY } from "../helpers/processes.ts";
import { loadKeyring, open } from "../../lib/secrets/keyring.ts";

const SECRET = "sk_live_9f8e7d6c5b4a39281706";
let engine: Engine;
let echo: Server;
let echoUrl: string;
const received: Record<string, string | undefined>[] = [];

beforeAll(async () => {
  // A server that answers with the headers it got: a secret echoed back must be masked too.
  echo = createServer((req, res) => {
    received.push({ authorization: req.headers.authorization, "x-echo": req.headers["x-echo"] as string | undefined, "x-api-key": req.headers["x-api-key"] as string | undefined });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ youSent: req.headers }));
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
  engine = await startEngine();
});
afterAll(async () => {
  await engine?.stop();
  echo?.close();
});

describe("the credential store", () => {
  it("lets admins save and replace a value, never shows it, and refuses everyone else's writes", async () => {
    const admin = await engine.as("admin");
    const editor = await engine.as("editor");
    expect((await editor.post("/credentials", { name: "NOPE", kind: "secret", value: "x".repeat(10) })).status).toBe(403);
    const badName = await admin.post("/credentials", { name: "bad name", kind: "secret", value: "v" });
    expect(badName.status).toBe(422);
    expect(badName.json.errors.map((e: { path: string }) => e.path)).toEqual(["name"]);
    const noHeader = await admin.post("/credentials", { name: "HEADER", kind: "http_header", value: "v", settings: {} });
    expect(noHeader.status).toBe(422);
    expect(noHeader.json.errors.map((e: { path: string }) => e.path)).toEqual(["settings.header"]);

    const created = await admin.post("/credentials", { name: "API_TOKEN", kind: "http_bearer", description: "Payments API", value: SECRET });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(SECRET);
    expect(created.json).toMatchObject({ name: "API_TOKEN", kind: "http_bearer", set: true, fingerprint: "…1706", createdBy: "user:admin@test.local" });
    expect((await admin.post("/credentials", { name: "API_TOKEN", kind: "secret", value: "other-value" })).status).toBe(409);

    const listed = await (await engine.as("viewer")).get("/credentials");
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(SECRET);
    expect(listed.json.credentials.map((c: { name: string }) => c.name)).toContain("API_TOKEN");

    expect((await editor.patch(`/credentials/${created.json.id}`, { value: "y".repeat(12) })).status).toBe(403);
    const other = await admin.post("/credentials", { name: "SPARE", kind: "secret", value: "spare-value-1234" });
    const replaced = await admin.patch(`/credentials/${other.json.id}`, { value: "spare-value-5678" });
    expect(replaced.json).toMatchObject({ fingerprint: "…5678", updatedBy: "user:admin@test.local" });
    expect((await admin.delete(`/credentials/${other.json.id}`)).status).toBe(204);
    const audit = await engine.db.pool.query(`select action from audit_entries where target_type = 'credential' order by id`);
    expect(audit.rows.map((r) => r.action)).toEqual(["credential.created", "credential.created", "credential.updated", "credential.deleted"]);
  });

  it("puts the secret in the call, and masks it in everything the step keeps, even echoed back", async () => {
    const admin = await engine.as("admin");
    const id = await publish(
      admin,
      linear([{ id: "call", type: "http", config: { method: "GET", url: echoUrl, headers: { Authorization: "Bearer {{ secrets.API_TOKEN }}", "X-Echo": "{{ secrets.API_TOKEN }}" } } }], {
        output: "{{ steps.call.output.body }}",
      }),
      "Uses a secret",
    );
    const runId = await runWorkflow(admin, id);
    const run = await waitForRun(admin, runId);
    expect(run.status).toBe("succeeded");
    expect(received.at(-1)).toEqual({ authorization: `Bearer ${SECRET}`, "x-echo": SECRET });
    const text = JSON.stringify(run);
    expect(text).not.toContain(SECRET);
    expect(stepOf(run, "call").input.headers["X-Echo"]).toBe("[redacted]");
    expect(JSON.stringify(stepOf(run, "call").output)).toContain("[redacted]");
    // The workflows that use it are listed with the credential.
    const listed = (await admin.get("/credentials")).json.credentials.find((c: { name: string }) => c.name === "API_TOKEN");
    expect(listed.usedBy.map((w: { name: string }) => w.name)).toContain("Uses a secret");

    // Nowhere in the database: every row of every table, Baton's and pg-boss's, as text.
    const { rows: tables } = await engine.db.pool.query(`select schemaname, tablename from pg_tables where schemaname in ('public', 'pgboss')`);
    for (const t of tables) {
      const { rows } = await engine.db.pool.query(`select count(*)::int as n from "${t.schemaname}"."${t.tablename}" x where x::text like $1`, [`%${SECRET}%`]);
      expect(rows[0].n, `${t.schemaname}.${t.tablename}`).toBe(0);
    }
    // Nor in what the processes logged.
    expect(engine.web.output()).not.toContain(SECRET);
    for (const w of engine.workers) expect(w.output()).not.toContain(SECRET);
  });

  it("authenticates an HTTP step with the credential picked in its form: a header, a bearer token, basic auth", async () => {
    const admin = await engine.as("admin");
    await admin.post("/credentials", { name: "KEYED", kind: "http_header", value: "key-3141592653", settings: { header: "X-Api-Key" } });
    await admin.post("/credentials", { name: "BASIC", kind: "http_basic", value: "pass-2718281828", settings: { username: "svc" } });
    for (const [credential, expected] of [
      ["KEYED", { "x-api-key": "key-3141592653" }],
      ["API_TOKEN", { authorization: `Bearer ${SECRET}` }],
      ["BASIC", { authorization: `Basic ${Buffer.from("svc:pass-2718281828").toString("base64")}` }],
    ] as const) {
      const id = await publish(admin, linear([{ id: "call", type: "http", config: { url: echoUrl, credential } }]), `auth ${credential}`);
      const run = await waitForRun(admin, await runWorkflow(admin, id));
      expect(run.status).toBe("succeeded");
      expect(received.at(-1)).toMatchObject(expected);
      expect(JSON.stringify(run)).not.toMatch(/key-3141592653|pass-2718281828|c3ZjOnBhc3Mt/);
    }
    // A credential of another kind is refused when the step runs.
    await admin.post("/credentials", { name: "NOT_HTTP", kind: "secret", value: "plain-secret-value" });
    const wrong = await waitForRun(admin, await runWorkflow(admin, await publish(admin, linear([{ id: "call", type: "http", config: { url: echoUrl, credential: "NOT_HTTP" } }]), "wrong kind")));
    expect(stepOf(wrong, "call").error).toMatchObject({ code: "credential_kind" });
  });

  it("refuses to publish a workflow naming a credential that does not exist, on the node", async () => {
    const admin = await engine.as("admin");
    const created = await admin.post("/workflows", { name: "Typo", definition: linear([{ id: "call", type: "http", config: { url: echoUrl, headers: { "X-Key": "{{ secrets.API_TOKNE }}" } } }]) });
    expect(created.json.problems).toEqual([expect.objectContaining({ nodeId: "call", path: "nodes.1.config.headers.X-Key", message: expect.stringContaining("No credential is named API_TOKNE") })]);
    const published = await admin.post(`/workflows/${created.json.id}/versions`, {});
    expect(published.status).toBe(422);
  });

  it("re-encrypts every value under a new key with npm run secrets:rotate", async () => {
    const next = Buffer.alloc(32, 9).toString("base64");
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["scripts/secrets-rotate.ts"], {
        env: { ...process.env, DATABASE_URL: engine.db.url, BATON_SECRET_KEY: next, BATON_SECRET_KEY_PREVIOUS: TEST_SECRET_KEY },
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
    });
    const { rows } = await engine.db.pool.query(`select id, name, ciphertext, nonce, key_id from credentials`);
    expect(output).toMatch(new RegExp(`re-encrypted ${rows.length} credentials and \\d+ webhook signing secrets under key`));
    const ring = loadKeyring({ BATON_SECRET_KEY: next, BATON_DATA_DIR: "unused" });
    expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set([ring.currentId]));
    const token = rows.find((r) => r.name === "API_TOKEN")!;
    expect(open(ring, { ciphertext: token.ciphertext, nonce: token.nonce, keyId: token.key_id }, `credential:${token.id}`)).toBe(SECRET);
  });
});
