// The credential key ring: AES-256-GCM round trips, values bound to their row, keys from the
// environment or a key file made with owner-only permissions, and rotation.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addFileKey, loadKeyring, open, parseKey, pruneFileKeys, seal } from "../../lib/secrets/keyring.ts";
import { createCredentialBody } from "../../lib/secrets/schemas.ts";

const key = (n: number) => Buffer.alloc(32, n).toString("base64");

describe("the credential key ring", () => {
  it("encrypts with a fresh nonce each time and decrypts only in the same row", () => {
    const ring = loadKeyring({ BATON_SECRET_KEY: key(1), BATON_DATA_DIR: "unused" });
    const a = seal(ring, "sk_live_0123456789", "credential:a");
    const b = seal(ring, "sk_live_0123456789", "credential:a");
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString("utf8")).not.toContain("sk_live");
    expect(open(ring, a, "credential:a")).toBe("sk_live_0123456789");
    // Moved to another row, or tampered with: refused.
    expect(() => open(ring, a, "credential:b")).toThrow();
    const tampered = { ...a, ciphertext: Buffer.from(a.ciphertext) };
    tampered.ciphertext[0] ^= 1;
    expect(() => open(ring, tampered, "credential:a")).toThrow();
  });

  it("decrypts with a previous key during rotation, and says which key is missing without it", () => {
    const old = loadKeyring({ BATON_SECRET_KEY: key(1), BATON_DATA_DIR: "unused" });
    const sealed = seal(old, "hunter2hunter2", "credential:x");
    const rotating = loadKeyring({ BATON_SECRET_KEY: key(2), BATON_SECRET_KEY_PREVIOUS: key(1), BATON_DATA_DIR: "unused" });
    expect(rotating.currentId).not.toBe(old.currentId);
    expect(open(rotating, sealed, "credential:x")).toBe("hunter2hunter2");
    const newOnly = loadKeyring({ BATON_SECRET_KEY: key(2), BATON_DATA_DIR: "unused" });
    expect(() => open(newOnly, sealed, "credential:x")).toThrow(/not in the key ring.*BATON_SECRET_KEY_PREVIOUS/);
  });

  it("refuses a key that is not 32 bytes, saying how to make one", () => {
    expect(() => parseKey("short")).toThrow(/32 bytes.*openssl rand -base64 32/);
    expect(parseKey("ab".repeat(32)).length).toBe(32);
  });

  it("makes the key file once, owner-only, and rotates it", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "baton-keys-")), "data");
    const first = loadKeyring({ BATON_DATA_DIR: dir });
    expect(statSync(join(dir, "secret-keys.json")).mode & 0o077).toBe(0);
    expect(loadKeyring({ BATON_DATA_DIR: dir }).currentId).toBe(first.currentId);
    const sealed = seal(first, "a value to keep", "credential:k");
    const rotated = addFileKey(dir);
    expect(rotated.currentId).not.toBe(first.currentId);
    expect(open(rotated, sealed, "credential:k")).toBe("a value to keep");
    pruneFileKeys(dir, rotated);
    expect([...loadKeyring({ BATON_DATA_DIR: dir }).keys.keys()]).toEqual([rotated.currentId]);
  });
});

describe("credential bodies", () => {
  it("check each kind's settings and name, naming the field", () => {
    const bad = createCredentialBody.safeParse({ name: "smtp", kind: "smtp", value: "pw", settings: { port: 25 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(["settings.host"]);
    expect(createCredentialBody.safeParse({ name: "1bad", kind: "secret", value: "x" }).success).toBe(false);
    expect(createCredentialBody.safeParse({ name: "DB", kind: "postgres", value: "mysql://x" }).success).toBe(false);
    expect(createCredentialBody.parse({ name: "MAIL", kind: "smtp", value: "pw", settings: { host: "smtp.example.com" } }).settings).toEqual({ host: "smtp.example.com", port: 587, secure: false });
  });
});

describe("credentials named in a workflow", () => {
  it("are problems on the field when they do not exist, in templates and in credential fields", async () => {
    const { validateDefinition } = await import("../../lib/workflow/validate.ts");
    const definition = {
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
        { id: "db", type: "database", position: { x: 200, y: 0 }, config: { credential: "WAREHOUSE", sql: "select 1" } },
        { id: "call", type: "http", position: { x: 400, y: 0 }, config: { url: "https://api.example.com", headers: { "X-Key": "{{ secrets.API_KEY }}" } } },
      ],
      edges: [
        { id: "e1", source: "start", target: "db" },
        { id: "e2", source: "db", target: "call" },
      ],
    };
    const missing = validateDefinition(definition, { secrets: new Set(["OTHER"]) }).problems.map((p) => [p.path, p.message.split(":")[0]]);
    expect(missing).toEqual([
      ["nodes.1.config.credential", "No credential is named WAREHOUSE"],
      ["nodes.2.config.headers.X-Key", "No credential is named API_KEY"],
    ]);
    expect(validateDefinition(definition, { secrets: new Set(["WAREHOUSE", "API_KEY"]) }).problems).toEqual([]);
    // Without the list (the editor before it loads), credentials are not checked.
    expect(validateDefinition(definition).problems).toEqual([]);
  });
});

describe("reading secrets in templates", () => {
  it("refuses secrets read as a whole or by a computed key, which would be empty", async () => {
    const { validateDefinition } = await import("../../lib/workflow/validate.ts");
    const withHeader = (value: string) => ({
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
        { id: "call", type: "http", position: { x: 200, y: 0 }, config: { url: "https://api.example.com", headers: { "X-Key": value } } },
      ],
      edges: [{ id: "e1", source: "start", target: "call" }],
    });
    for (const bad of ["{{ secrets[input.name] }}", "{{ $keys(secrets) }}", "{{ secrets }}"]) {
      expect(validateDefinition(withHeader(bad)).problems.map((p) => p.message), bad).toEqual([expect.stringContaining("Name the credential")]);
    }
    expect(validateDefinition(withHeader("{{ secrets.API_KEY }}")).problems).toEqual([]);
  });
});
