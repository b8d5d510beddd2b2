// The keys that encrypt credentials (AES-256-GCM). The current key encrypts; any key of the ring
// decrypts what it encrypted (its id is stored beside each value), so that keys can be rotated.
// - BATON_SECRET_KEY: 32 bytes as base64 or 64 hex characters; BATON_SECRET_KEY_PREVIOUS: older
//   keys, comma-separated, kept until `npm run secrets:rotate` has re-encrypted every value.
// - Otherwise (the embedded default): a key file in the data folder, created at first use with
//   owner-only permissions; `secrets:rotate` adds a new key to it and re-encrypts.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface Keyring {
  currentId: string;
  keys: Map<string, Buffer>;
  /** Where the ring came from, for messages. */
  source: "BATON_SECRET_KEY" | string;
}

export interface Sealed {
  ciphertext: Buffer;
  nonce: Buffer;
  keyId: string;
}

const keyId = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);

export function parseKey(text: string, name = "BATON_SECRET_KEY"): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, as base64 (44 characters) or hex (64); generate one with: openssl rand -base64 32`);
  return key;
}

const fileOf = (dataDir: string) => join(dataDir, "secret-keys.json");

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

function readKeyFile(path: string): KeyFile | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function writeKeyFile(path: string, file: KeyFile, flag: "wx" | "w") {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(file, null, 2) + "\n", { flag, mode: 0o600 });
}

function fromFile(file: KeyFile, source: string): Keyring {
  const keys = new Map(Object.entries(file.keys).map(([id, b64]) => [id, Buffer.from(b64, "base64")]));
  if (!keys.has(file.current)) throw new Error(`${source}: the current key ${file.current} is not in the file`);
  return { currentId: file.current, keys, source };
}

/** The ring from the environment, or the data folder's key file (created when missing). */
export function loadKeyring(env: { BATON_SECRET_KEY?: string; BATON_SECRET_KEY_PREVIOUS?: string; BATON_DATA_DIR: string }): Keyring {
  if (env.BATON_SECRET_KEY) {
    const current = parseKey(env.BATON_SECRET_KEY);
    const previous = (env.BATON_SECRET_KEY_PREVIOUS ?? "").split(",").filter((k) => k.trim()).map((k) => parseKey(k, "BATON_SECRET_KEY_PREVIOUS"));
    return { currentId: keyId(current), keys: new Map([current, ...previous].map((k) => [keyId(k), k])), source: "BATON_SECRET_KEY" };
  }
  const path = fileOf(env.BATON_DATA_DIR);
  const existing = readKeyFile(path);
  if (existing) return fromFile(existing, path);
  const key = randomBytes(32);
  try {
    // Web and worker may start together: the first to create the file wins, the other reads it.
    writeKeyFile(path, { current: keyId(key), keys: { [keyId(key)]: key.toString("base64") } }, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return fromFile(readKeyFile(path)!, path);
}

/** Adds a new current key to the data folder's key file (the old ones stay, to decrypt). */
export function addFileKey(dataDir: string): Keyring {
  const path = fileOf(dataDir);
  const file = readKeyFile(path) ?? { current: "", keys: {} };
  const key = randomBytes(32);
  const next = { current: keyId(key), keys: { ...file.keys, [keyId(key)]: key.toString("base64") } };
  writeKeyFile(path, next, "w");
  return fromFile(next, path);
}

/** Drops every key but the current one from the key file (after everything was re-encrypted). */
export function pruneFileKeys(dataDir: string, ring: Keyring): void {
  writeKeyFile(fileOf(dataDir), { current: ring.currentId, keys: { [ring.currentId]: ring.keys.get(ring.currentId)!.toString("base64") } }, "w");
}

/** Encrypts `plaintext`, bound to `context` (the credential's id: a value moved to another row
 * does not decrypt). */
export function seal(ring: Keyring, plaintext: string, context: string): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.keys.get(ring.currentId)!, nonce);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext, nonce, keyId: ring.currentId };
}

export function open(ring: Keyring, sealed: Sealed, context: string): string {
  const key = ring.keys.get(sealed.keyId);
  if (!key) throw new Error(`credential encrypted with key ${sealed.keyId}, which is not in the key ring (${ring.source}); set BATON_SECRET_KEY_PREVIOUS`);
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.nonce);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.ciphertext.subarray(-16));
  return Buffer.concat([decipher.update(sealed.ciphertext.subarray(0, -16)), decipher.final()]).toString("utf8");
}
