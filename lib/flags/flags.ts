// Feature flags: every change (the kill switch too) is a new numbered version and an audit
// entry, and a NOTIFY that drops the flag from every worker's cache on commit. Workers read
// flags through that cache; the API reads the table.
import type { z } from "zod";
import type pg from "pg";
import { audit } from "../admin/audit.ts";
import { conflict, notFound, unprocessable } from "../api/errors.ts";
import { configCache, configKey, notifyConfigChanged } from "../config/cache.ts";
import { db as defaultDb, type Db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { evaluateFlag, flagDefinitionSchema, flagProblems, newFlagDefinition, type FlagDefinition, type FlagSnapshot } from "./definition.ts";
import type { createFlagBody, evaluateFlagBody, killSwitchBody, saveFlagBody } from "./schemas.ts";

const json = (d: FlagDefinition) => d as unknown as Prisma.InputJsonObject;

function refuseProblems(definition: FlagDefinition) {
  const problems = flagProblems(definition);
  if (problems.length) throw unprocessable(`The flag has ${problems.length} problem${problems.length === 1 ? "" : "s"}.`, problems.map(({ path, message }) => ({ path: `definition.${path}`, message })));
}

/** Evaluations per flag and served value over the last hour (from the workers' counts). */
async function lastHour(db: Db, key?: string): Promise<Map<string, { value: unknown; count: number }[]>> {
  const rows = await db.$queryRaw<{ flag_key: string; value: string; count: bigint }[]>`
    select flag_key, value, sum(count)::bigint as count from flag_evaluation_counts
     where minute > now() - interval '1 hour' and (${key ?? null}::text is null or flag_key = ${key ?? null})
     group by flag_key, value order by flag_key, count desc`;
  const out = new Map<string, { value: unknown; count: number }[]>();
  for (const r of rows) out.set(r.flag_key, [...(out.get(r.flag_key) ?? []), { value: JSON.parse(r.value), count: Number(r.count) }]);
  return out;
}

export async function listFlags(db: Db = defaultDb()) {
  const [flags, counts] = await Promise.all([db.featureFlag.findMany({ orderBy: { key: "asc" } }), lastHour(db)]);
  return flags.map((f) => {
    const d = f.definition as unknown as FlagDefinition;
    return { id: f.id, key: f.key, name: f.name, description: f.description, kind: d.kind, enabled: d.enabled, rules: d.rules.length, version: f.version, updatedBy: f.updatedBy, updatedAt: f.updatedAt, lastHour: counts.get(f.key) ?? [] };
  });
}

async function find(db: Pick<Db, "featureFlag">, key: string) {
  const flag = await db.featureFlag.findUnique({ where: { key } });
  if (!flag) throw notFound(`Flag ${key}`);
  return flag;
}

export async function getFlag(key: string, db: Db = defaultDb()) {
  const flag = await find(db, key);
  const [versions, counts] = await Promise.all([
    db.flagVersion.findMany({ where: { flagId: flag.id }, orderBy: { number: "desc" }, take: 100, select: { number: true, note: true, createdBy: true, createdAt: true } }),
    lastHour(db, key),
  ]);
  return { ...flag, versions, lastHour: counts.get(key) ?? [] };
}

export async function createFlag(body: z.infer<typeof createFlagBody>, actor: string, db: Db = defaultDb()) {
  const definition = body.definition ?? newFlagDefinition(body.kind, body.variants);
  refuseProblems(definition);
  return db.$transaction(async (tx) => {
    if (await tx.featureFlag.findUnique({ where: { key: body.key } })) throw conflict(`A flag with the key ${body.key} exists already.`);
    const flag = await tx.featureFlag.create({ data: { key: body.key, name: body.name, description: body.description, definition: json(definition), createdBy: actor, updatedBy: actor } });
    await tx.flagVersion.create({ data: { flagId: flag.id, number: 1, definition: json(definition), note: "created", createdBy: actor } });
    await audit(tx, { actor, action: "flag.created", targetType: "flag", targetId: flag.id, data: { key: body.key } });
    return { id: flag.id, key: flag.key, version: 1 };
  });
}

/** A change: the next version (refused when `expected` is not the current one: someone saved in between). */
async function change(db: Db, key: string, actor: string, action: string, next: (current: FlagDefinition) => FlagDefinition, note: string, expected?: number, rename?: { name?: string; description?: string }) {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`select id from feature_flags where key = ${key} for update`;
    const flag = await find(tx, key);
    if (expected !== undefined && expected !== flag.version) {
      throw conflict(`The flag was changed by someone else (now at version ${flag.version}, yours was ${expected}). Reload it before saving.`, { state: "stale-version", version: flag.version });
    }
    const definition = next(flag.definition as unknown as FlagDefinition);
    refuseProblems(definition);
    const number = flag.version + 1;
    await tx.flagVersion.create({ data: { flagId: flag.id, number, definition: json(definition), note, createdBy: actor } });
    await tx.featureFlag.update({ where: { id: flag.id }, data: { definition: json(definition), version: number, updatedBy: actor, updatedAt: new Date(), ...(rename?.name ? { name: rename.name } : {}), ...(rename?.description !== undefined ? { description: rename.description } : {}) } });
    await notifyConfigChanged(tx, configKey("flag", key));
    await audit(tx, { actor, action, targetType: "flag", targetId: flag.id, data: { key, version: number, note } });
    return { key, version: number, definition };
  });
}

export const saveFlag = (key: string, body: z.infer<typeof saveFlagBody>, actor: string, db: Db = defaultDb()) =>
  change(db, key, actor, "flag.changed", () => body.definition, body.note, body.version, { name: body.name, description: body.description });

/** The kill switch: off serves the off value everywhere, from the moment it commits. */
export const setFlagEnabled = (key: string, body: z.infer<typeof killSwitchBody>, actor: string, db: Db = defaultDb()) =>
  change(db, key, actor, body.enabled ? "flag.enabled" : "flag.killed", (d) => ({ ...d, enabled: body.enabled }), body.note || (body.enabled ? "turned on" : "turned off (kill switch)"));

export async function getFlagVersion(key: string, number: number, db: Db = defaultDb()) {
  const flag = await find(db, key);
  const version = await db.flagVersion.findUnique({ where: { flagId_number: { flagId: flag.id, number } } });
  if (!version) throw notFound(`Version ${number} of flag ${key}`);
  return { key, number, definition: version.definition, note: version.note, createdBy: version.createdBy, createdAt: version.createdAt, current: flag.version === number };
}

/** The test panel and the API: the current definition's answer for a context (not counted). */
export async function evaluateFlagForContext(key: string, body: z.infer<typeof evaluateFlagBody>, db: Db = defaultDb()) {
  const flag = await find(db, key);
  return evaluateFlag({ key, version: flag.version, definition: flagDefinitionSchema.parse(flag.definition) }, body.context);
}

/** The flags named, as workers see them (through the config cache); missing ones are left out. */
export async function loadFlags(pool: Pick<pg.Pool, "query">, keys: string[]): Promise<Record<string, FlagSnapshot>> {
  const out: Record<string, FlagSnapshot> = {};
  await Promise.all(
    keys.map(async (key) => {
      const flag = await configCache.get(configKey("flag", key), async () => {
        const { rows } = await pool.query(`select version, definition from feature_flags where key = $1`, [key]);
        return rows[0] ? ({ key, version: rows[0].version, definition: flagDefinitionSchema.parse(rows[0].definition) } satisfies FlagSnapshot) : null;
      });
      if (flag) out[key] = flag;
    }),
  );
  return out;
}
