// The credential store: named secrets, encrypted at rest (keyring.ts), never returned once saved.
// Admins manage them; everyone who reads workflows sees their names, kinds, fingerprints and the
// workflows that use them. Workers open values only for the step that uses them (resolveSecrets).
import { randomUUID } from "node:crypto";
import { conflict, notFound, unprocessable } from "../api/errors.ts";
import { audit } from "../admin/audit.ts";
import { db as defaultDb, type Db } from "../db.ts";
import { env } from "../env.ts";
import type { Sql } from "../engine/tx.ts";
import { zodFieldErrors } from "../api/errors.ts";
import { loadKeyring, open, seal, type Keyring } from "./keyring.ts";
import { parseSettings, type CreateCredentialBody, type CredentialKind } from "./schemas.ts";

let ring: Keyring | undefined;
/** This process's key ring, loaded once, and again when asked (`fresh`) or when a value names a
 * key it lacks: `npm run secrets:rotate` may have changed the key file while Baton runs. */
export function keyring(options: { fresh?: boolean; having?: string } = {}): Keyring {
  if (!ring || options.fresh || (options.having && !ring.keys.has(options.having))) ring = loadKeyring(env);
  return ring;
}

const fingerprint = (value: string) => `…${value.slice(-4)}`;
const context = (id: string) => `credential:${id}`;

const publicFields = { id: true, name: true, kind: true, description: true, settings: true, fingerprint: true, keyId: true, createdBy: true, updatedBy: true, createdAt: true, updatedAt: true } as const;

/** The workflows whose draft or a version references `secrets.NAME`, by credential name. */
async function usage(db: Db): Promise<Map<string, { id: string; name: string }[]>> {
  const rows = await db.$queryRaw<{ credential: string; id: string; name: string }[]>`
    select c.name as credential, w.id, w.name from credentials c join workflows w
        on w.draft::text ~ ('secrets\\.' || c.name || '([^A-Za-z0-9_]|$)')
        or exists (select 1 from workflow_versions v where v.workflow_id = w.id and v.definition::text ~ ('secrets\\.' || c.name || '([^A-Za-z0-9_]|$)'))
     order by w.name`;
  const byName = new Map<string, { id: string; name: string }[]>();
  for (const r of rows) byName.set(r.credential, [...(byName.get(r.credential) ?? []), { id: r.id, name: r.name }]);
  return byName;
}

export async function listCredentials(db: Db = defaultDb()) {
  const [rows, used] = await Promise.all([db.credential.findMany({ select: publicFields, orderBy: { name: "asc" } }), usage(db)]);
  return rows.map((r) => ({ ...r, set: true, usedBy: used.get(r.name) ?? [] }));
}

export async function createCredential(input: CreateCredentialBody, actor: string, db: Db = defaultDb()) {
  const id = randomUUID();
  const sealed = seal(keyring({ fresh: true }), input.value, context(id));
  return db.$transaction(async (tx) => {
    if (await tx.credential.findUnique({ where: { name: input.name } })) throw conflict(`A credential named ${input.name} exists already; edit it to replace its value.`);
    const record = await tx.credential.create({
      data: { id, name: input.name, kind: input.kind, description: input.description, settings: input.settings as object, ...sealedColumns(sealed), fingerprint: fingerprint(input.value), createdBy: actor, updatedBy: actor },
      select: publicFields,
    });
    await audit(tx, { actor, action: "credential.created", targetType: "credential", targetId: id, data: { name: input.name, kind: input.kind } });
    return { ...record, set: true };
  });
}

const sealedColumns = (s: { ciphertext: Buffer; nonce: Buffer; keyId: string }) => ({ ciphertext: new Uint8Array(s.ciphertext), nonce: new Uint8Array(s.nonce), keyId: s.keyId });

/** Replaces what is given: the value (re-encrypted), the description, the kind's settings. */
export async function updateCredential(id: string, input: { description?: string; settings?: Record<string, unknown>; value?: string }, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    const current = await tx.credential.findUnique({ where: { id } });
    if (!current) throw notFound(`Credential ${id}`);
    const settings = input.settings === undefined ? undefined : parseSettings(current.kind as CredentialKind, input.settings);
    if (settings && !settings.success) throw unprocessable("The settings do not fit this kind of credential.", zodFieldErrors(settings.error, ["settings"]));
    const record = await tx.credential.update({
      where: { id },
      data: {
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(settings?.success ? { settings: settings.data as object } : {}),
        ...(input.value !== undefined ? { ...sealedColumns(seal(keyring({ fresh: true }), input.value, context(id))), fingerprint: fingerprint(input.value) } : {}),
        updatedBy: actor,
        updatedAt: new Date(),
      },
      select: publicFields,
    });
    const changed = Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined);
    await audit(tx, { actor, action: "credential.updated", targetType: "credential", targetId: id, data: { name: current.name, changed } });
    return { ...record, set: true };
  });
}

export async function deleteCredential(id: string, actor: string, db: Db = defaultDb()) {
  await db.$transaction(async (tx) => {
    const current = await tx.credential.findUnique({ where: { id } });
    if (!current) throw notFound(`Credential ${id}`);
    await tx.credential.delete({ where: { id } });
    await audit(tx, { actor, action: "credential.deleted", targetType: "credential", targetId: id, data: { name: current.name } });
  });
}

/** The names of all credentials (for validation and the editor's completions). */
export async function credentialNames(sql: Sql): Promise<Set<string>> {
  const { rows } = await sql.query(`select name from credentials`);
  return new Set(rows.map((r) => r.name as string));
}

export interface OpenedSecret {
  name: string;
  kind: CredentialKind;
  settings: Record<string, unknown>;
  value: string;
}

/** Opens the named credentials, in the worker, for one step attempt. Unknown names are missing. */
export async function resolveSecrets(sql: Sql, names: string[]): Promise<Map<string, OpenedSecret>> {
  if (names.length === 0) return new Map();
  const { rows } = await sql.query(`select id, name, kind, settings, ciphertext, nonce, key_id from credentials where name = any($1::text[])`, [names]);
  return new Map(
    rows.map((r) => [r.name, { name: r.name, kind: r.kind, settings: r.settings, value: open(keyring({ having: r.key_id }), { ciphertext: r.ciphertext, nonce: r.nonce, keyId: r.key_id }, context(r.id)) }]),
  );
}

/** Re-encrypts every value under the ring's current key; returns how many changed. */
export async function reencryptAll(sql: Sql, ring: Keyring): Promise<number> {
  const { rows } = await sql.query(`select id, ciphertext, nonce, key_id from credentials where key_id <> $1`, [ring.currentId]);
  for (const r of rows) {
    const sealed = seal(ring, open(ring, { ciphertext: r.ciphertext, nonce: r.nonce, keyId: r.key_id }, context(r.id)), context(r.id));
    await sql.query(`update credentials set ciphertext = $2, nonce = $3, key_id = $4 where id = $1 and key_id = $5`, [r.id, sealed.ciphertext, sealed.nonce, sealed.keyId, r.key_id]);
  }
  return rows.length;
}
