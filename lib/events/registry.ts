// The event type registry: types with their schema versions (a breaking change must be a new
// major), and which workflows publish (Emit-event steps) and consume (Wait-for-event steps, event
// triggers) each. Schemas are compiled once per version for checking events.
import type { ValidateFunction } from "ajv";
import type pg from "pg";
import { audit } from "../admin/audit.ts";
import { conflict, notFound, unprocessable } from "../api/errors.ts";
import { db as defaultDb, pool as defaultPool, type Db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { assertJsonSchema, compileInputSchema } from "../workflow/input-schema.ts";
import { breakingChanges } from "./compat.ts";

/** By event type: workflows whose draft or a version emits or waits for it, or that an event trigger on it starts. */
async function usage(pool: pg.Pool = defaultPool()) {
  const sql = `
    with uses as (
      select w.id, w.name, n->>'type' as step, n->'config'->>'eventType' as event_type
        from workflows w
        cross join lateral (select w.draft as d union all select v.definition from workflow_versions v where v.workflow_id = w.id) defs
        cross join lateral jsonb_array_elements(defs.d->'nodes') n
       where w.deleted_at is null and n->>'type' in ('emit_event', 'wait_for_event')
      union all
      select w.id, w.name, 'trigger', t.config->>'eventType' from triggers t join workflows w on w.id = t.workflow_id
       where t.kind = 'event' and t.deleted_at is null and w.deleted_at is null
    )
    select distinct event_type, id, name, step = 'emit_event' as publishes from uses order by name`;
  const { rows } = await pool.query(sql);
  const byType = new Map<string, { publishers: { id: string; name: string }[]; consumers: { id: string; name: string }[] }>();
  for (const r of rows as { event_type: string; id: string; name: string; publishes: boolean }[]) {
    const entry = byType.get(r.event_type) ?? { publishers: [], consumers: [] };
    (r.publishes ? entry.publishers : entry.consumers).push({ id: r.id, name: r.name });
    byType.set(r.event_type, entry);
  }
  return byType;
}

const versionName = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;

export async function listEventTypes(db: Db = defaultDb()) {
  const [types, used] = await Promise.all([
    db.eventType.findMany({ orderBy: { name: "asc" }, include: { versions: { orderBy: [{ major: "desc" }, { minor: "desc" }] } } }),
    usage(),
  ]);
  return types.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    version: versionName(t.versions[0]),
    schema: t.versions[0].schema,
    versions: t.versions.map((v) => ({ version: versionName(v), note: v.note, createdBy: v.createdBy, createdAt: v.createdAt, schema: v.schema })),
    publishers: used.get(t.name)?.publishers ?? [],
    consumers: used.get(t.name)?.consumers ?? [],
  }));
}

export async function createEventType(body: { name: string; description: string; schema: Record<string, unknown> }, actor: string, db: Db = defaultDb()) {
  assertJsonSchema(body.schema, "schema");
  return db.$transaction(async (tx) => {
    if (await tx.eventType.findUnique({ where: { name: body.name } })) throw conflict(`An event type named ${body.name} exists already; add a version to change its schema.`);
    const type = await tx.eventType.create({ data: { name: body.name, description: body.description, createdBy: actor } });
    await tx.eventTypeVersion.create({ data: { eventTypeId: type.id, major: 1, minor: 0, schema: body.schema as Prisma.InputJsonValue, note: "first version", createdBy: actor } });
    await audit(tx, { actor, action: "event_type.created", targetType: "event_type", targetId: type.id, data: { name: body.name } });
    return { id: type.id, name: type.name, version: "1.0" };
  });
}

/** A new schema version: a minor when compatible with the latest, else refused unless `major`. */
export async function addEventTypeVersion(name: string, body: { schema: Record<string, unknown>; major: boolean; note: string }, actor: string, db: Db = defaultDb()) {
  assertJsonSchema(body.schema, "schema");
  return db.$transaction(async (tx) => {
    const type = await tx.eventType.findUnique({ where: { name }, include: { versions: { orderBy: [{ major: "desc" }, { minor: "desc" }], take: 1 } } });
    if (!type) throw notFound(`Event type ${name}`);
    const latest = type.versions[0];
    const breaking = breakingChanges(latest.schema as Record<string, unknown>, body.schema);
    if (breaking.length && !body.major) {
      throw unprocessable(
        `This schema breaks version ${versionName(latest)}: save it as a new major version (major: true in the API), or keep it compatible.`,
        breaking.map((message) => ({ path: "schema", message })),
      );
    }
    const next = body.major ? { major: latest.major + 1, minor: 0 } : { major: latest.major, minor: latest.minor + 1 };
    await tx.eventTypeVersion.create({ data: { eventTypeId: type.id, ...next, schema: body.schema as Prisma.InputJsonValue, note: body.note, createdBy: actor } });
    await audit(tx, { actor, action: "event_type.versioned", targetType: "event_type", targetId: type.id, data: { name, version: versionName(next), breaking } });
    return { name, version: versionName(next), breaking };
  });
}

const validators = new Map<string, { version: string; validate: ValidateFunction }>();

/** The latest schema of a type, compiled (cached per version), or null when the type is unknown. */
export async function eventSchema(pool: pg.Pool | { query: pg.Pool["query"] }, type: string): Promise<{ version: string; validate: ValidateFunction } | null> {
  const { rows } = await pool.query(
    `select v.id, v.major, v.minor, v.schema from event_type_versions v join event_types t on t.id = v.event_type_id where t.name = $1 order by v.major desc, v.minor desc limit 1`,
    [type],
  );
  if (!rows[0]) return null;
  let entry = validators.get(rows[0].id);
  if (!entry) {
    entry = { version: versionName(rows[0]), validate: compileInputSchema(rows[0].schema) };
    validators.set(rows[0].id, entry);
  }
  return entry;
}
