// Rule sets: decision tables edited as a draft and published as immutable, numbered versions; the
// newest becomes active (what Decide steps use unless they pin one). Every change is an audit
// entry. Evaluation compiles a version once (versions never change) and answers expression cells
// in the expression processes, where a hostile expression can be stopped.
import type { z } from "zod";
import type pg from "pg";
import { audit } from "../admin/audit.ts";
import { conflict, notFound, unprocessable } from "../api/errors.ts";
import { db as defaultDb, type Db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { expressionPool } from "../expressions/pool.ts";
import { configCache, configKey, notifyConfigChanged } from "../config/cache.ts";
import type { RunContext } from "../workflow/templates.ts";
import { compileTable, decide, DecisionError, decisionTableSchema, type CompiledTable, type DecisionTable, type TableProblem } from "./decision-table.ts";
import { emptyTable, type createRuleSetBody, type evaluateRuleSetBody, type publishRuleSetBody, type saveRuleSetDraftBody } from "./schemas.ts";

const json = (table: DecisionTable) => table as unknown as Prisma.InputJsonObject;

/** A stored draft's problems: its shape, then its cells. */
export function tableProblems(value: unknown): TableProblem[] {
  const parsed = decisionTableSchema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  return compileTable(parsed.data).problems;
}

export async function listRuleSets(db: Db = defaultDb()) {
  const sets = await db.ruleSet.findMany({ orderBy: { name: "asc" } });
  return sets.map((s) => ({
    id: s.id,
    key: s.key,
    name: s.name,
    description: s.description,
    activeVersion: s.activeVersion,
    rows: (s.draft as { rows?: unknown[] }).rows?.length ?? 0,
    hitPolicy: (s.draft as { hitPolicy?: string }).hitPolicy ?? null,
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt,
  }));
}

async function find(db: Pick<Db, "ruleSet">, key: string) {
  const set = await db.ruleSet.findUnique({ where: { key } });
  if (!set) throw notFound(`Rule set ${key}`);
  return set;
}

export async function getRuleSet(key: string, db: Db = defaultDb()) {
  const set = await find(db, key);
  const versions = await db.ruleSetVersion.findMany({ where: { ruleSetId: set.id }, orderBy: { number: "desc" }, select: { number: true, note: true, createdBy: true, createdAt: true } });
  return { ...set, problems: tableProblems(set.draft), versions };
}

export async function createRuleSet(body: z.infer<typeof createRuleSetBody>, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    if (await tx.ruleSet.findUnique({ where: { key: body.key } })) throw conflict(`A rule set with the key ${body.key} exists already.`);
    const table = body.table ?? emptyTable();
    const set = await tx.ruleSet.create({ data: { key: body.key, name: body.name, description: body.description, draft: json(table), createdBy: actor, updatedBy: actor } });
    await audit(tx, { actor, action: "rule_set.created", targetType: "rule_set", targetId: set.id, data: { key: body.key } });
    return { id: set.id, key: set.key, revision: set.draftRevision, problems: tableProblems(table) };
  });
}

/** Saves the draft (refused when `revision` is not the current one: someone saved in between). */
export async function saveRuleSetDraft(key: string, body: z.infer<typeof saveRuleSetDraftBody>, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    const set = await find(tx, key);
    const { count } = await tx.ruleSet.updateMany({
      where: { id: set.id, ...(body.revision === undefined ? {} : { draftRevision: body.revision }) },
      data: { draft: json(body.table), draftRevision: { increment: 1 }, updatedBy: actor, updatedAt: new Date(), ...(body.name ? { name: body.name } : {}), ...(body.description !== undefined ? { description: body.description } : {}) },
    });
    if (count === 0) {
      throw conflict(`The table was changed by someone else (now at revision ${set.draftRevision}, yours was ${body.revision}). Reload it before saving.`, { state: "stale-revision", revision: set.draftRevision });
    }
    await audit(tx, { actor, action: "rule_set.draft_saved", targetType: "rule_set", targetId: set.id, data: { key, revision: set.draftRevision + 1 } });
    return { revision: set.draftRevision + 1, problems: compileTable(body.table).problems };
  });
}

/** Publishes the draft as the next version, if every cell reads; it becomes active at once. */
export async function publishRuleSet(key: string, body: z.infer<typeof publishRuleSetBody>, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`select id from rule_sets where key = ${key} for update`;
    const set = await find(tx, key);
    const problems = tableProblems(set.draft);
    if (problems.length) throw unprocessable(`The table has ${problems.length} problem${problems.length === 1 ? "" : "s"}; fix ${problems.length === 1 ? "it" : "them"} before publishing.`, problems.map(({ path, message }) => ({ path: `table.${path}`, message })));
    const number = (set.activeVersion ?? 0) + 1;
    await tx.ruleSetVersion.create({ data: { ruleSetId: set.id, number, table: set.draft as Prisma.InputJsonObject, note: body.note, createdBy: actor } });
    await tx.ruleSet.update({ where: { id: set.id }, data: { activeVersion: number, updatedBy: actor, updatedAt: new Date() } });
    await notifyConfigChanged(tx, configKey("rule_set", key));
    await audit(tx, { actor, action: "rule_set.published", targetType: "rule_set", targetId: set.id, data: { key, version: number, note: body.note } });
    return { key, version: number };
  });
}

export async function getRuleSetVersion(key: string, number: number, db: Db = defaultDb()) {
  const set = await find(db, key);
  const version = await db.ruleSetVersion.findUnique({ where: { ruleSetId_number: { ruleSetId: set.id, number } } });
  if (!version) throw notFound(`Version ${number} of rule set ${key}`);
  return { key, number, table: version.table, note: version.note, createdBy: version.createdBy, createdAt: version.createdAt, active: set.activeVersion === number };
}

const compiled = new Map<string, CompiledTable>();

/** A published version, compiled once (versions never change): its active one, or `version`.
 * Which version is active comes through the config cache (a publish invalidates it). */
export async function loadRuleSetVersion(pool: Pick<pg.Pool, "query">, key: string, version?: number): Promise<{ id: string; number: number; compiled: CompiledTable } | null> {
  const read = async () =>
    (
      await pool.query(`select v.id, v.number, v.table from rule_sets r join rule_set_versions v on v.rule_set_id = r.id and v.number = coalesce($2, r.active_version) where r.key = $1`, [
        key,
        version ?? null,
      ])
    ).rows as { id: string; number: number; table: unknown }[];
  // A pinned version never changes: its entry is never invalidated, and that is right.
  const rows = await configCache.get(version ? `${configKey("rule_set", key)}@${version}` : configKey("rule_set", key), read);
  if (!rows[0]) return null;
  let table = compiled.get(rows[0].id);
  if (!table) {
    const result = compileTable(decisionTableSchema.parse(rows[0].table));
    if (!result.compiled) throw new DecisionError(`version ${rows[0].number} of ${key} does not compile: ${result.problems[0]?.message}`);
    table = result.compiled;
    if (compiled.size >= 200) compiled.delete(compiled.keys().next().value!);
    compiled.set(rows[0].id, table);
  }
  return { id: rows[0].id, number: rows[0].number, compiled: table };
}

/** Expression cells, answered by the expression processes (limits on time and memory). */
export const poolCells = (signal?: AbortSignal) => async (expression: string, inputs: Record<string, unknown>) =>
  (await expressionPool().evaluate(expression, inputs as unknown as RunContext, "condition", signal)) === true;

/** The test panel and the API: evaluate the draft or a version against inputs. */
export async function evaluateRuleSet(key: string, body: z.infer<typeof evaluateRuleSetBody>, pool: Pick<pg.Pool, "query">, db: Db = defaultDb()) {
  let table: CompiledTable;
  if (body.version === "draft") {
    const set = await find(db, key);
    const parsed = decisionTableSchema.safeParse(set.draft);
    const result = parsed.success ? compileTable(parsed.data) : undefined;
    if (!result?.compiled) throw unprocessable("The draft has problems; fix them to test it.", tableProblems(set.draft).map(({ path, message }) => ({ path: `table.${path}`, message })));
    table = result.compiled;
  } else {
    const loaded = await loadRuleSetVersion(pool, key, body.version);
    if (!loaded) throw notFound(`Version ${body.version} of rule set ${key}`);
    table = loaded.compiled;
  }
  try {
    return { version: body.version, ...(await decide(table, body.inputs, poolCells())) };
  } catch (error) {
    if (error instanceof DecisionError) throw unprocessable(error.message, [{ path: "inputs", message: error.message }]);
    throw error;
  }
}
