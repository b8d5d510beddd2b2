// Workflows: drafts that may be invalid, and immutable published versions.
import type { z } from "zod";
import { secretsSummary } from "../secrets/signing-secrets.ts";
import { db as defaultDb, type Db, type Prisma } from "../db.ts";
import { conflict, notFound, unprocessable, type FieldError } from "../api/errors.ts";
import { emptyDefinition, type Definition } from "../workflow/definition.ts";
import { isError, parseStructure, validateDefinition, type DefinitionProblem } from "../workflow/validate.ts";
import { canonicalJson } from "../workflow/canonical.ts";
import { callCycleProblems } from "./subworkflow-cycles.ts";
import { endRolloutByPublish, startRollout, type Rollout } from "./rollout.ts";
import type { RunStatus } from "../engine/states.ts";
import type { createWorkflowBody, publishBody, saveDraftBody, updateWorkflowBody } from "./schemas.ts";

const summaryFields = {
  id: true,
  name: true,
  description: true,
  activeVersion: true,
  draftRevision: true,
  createdBy: true,
  createdAt: true,
  updatedAt: true,
} as const;

const asFieldErrors = (problems: DefinitionProblem[], prefix: string): FieldError[] =>
  problems.map((p) => ({ ...p, path: p.path ? `${prefix}.${p.path}` : prefix }));

/** A definition must at least have the right shape to be stored as a draft. */
function structureOrThrow(definition: unknown): Definition {
  const { definition: parsed, problems } = parseStructure(definition);
  if (!parsed) throw unprocessable("The definition is malformed.", asFieldErrors(problems, "definition"));
  return parsed;
}

/** Definitions are plain JSON once parsed; Prisma's JSON input type cannot see that. */
const json = (definition: Definition) => definition as unknown as Prisma.InputJsonObject;

/** The credentials, event types and published workflows that exist, for checking the steps that name them. */
async function known(db: Db | Prisma.TransactionClient): Promise<{ secrets: Set<string>; eventTypes: Set<string>; workflows: Set<string>; ruleSets: Set<string>; flags: Set<string> }> {
  const [credentials, types, workflows, ruleSets, flags] = await Promise.all([
    db.credential.findMany({ select: { name: true } }),
    db.eventType.findMany({ select: { name: true } }),
    db.workflow.findMany({ where: { deletedAt: null, activeVersion: { not: null } }, select: { id: true } }),
    db.ruleSet.findMany({ where: { activeVersion: { not: null } }, select: { key: true } }),
    db.featureFlag.findMany({ select: { key: true } }),
  ]);
  return {
    secrets: new Set(credentials.map((c) => c.name)),
    eventTypes: new Set(types.map((t) => t.name)),
    workflows: new Set(workflows.map((w) => w.id)),
    ruleSets: new Set(ruleSets.map((r) => r.key)),
    flags: new Set(flags.map((f) => f.key)),
  };
}

export async function findLive(db: Db | Prisma.TransactionClient, id: string) {
  const workflow = await db.workflow.findFirst({ where: { id, deletedAt: null } });
  if (!workflow) throw notFound(`Workflow ${id}`);
  return workflow;
}

export async function createWorkflow(input: z.infer<typeof createWorkflowBody>, actor: string, db: Db = defaultDb()) {
  const draft = input.definition === undefined ? emptyDefinition() : structureOrThrow(input.definition);
  const workflow = await db.workflow.create({
    data: { name: input.name, description: input.description ?? "", draft: json(draft), createdBy: actor },
    select: summaryFields,
  });
  return { ...workflow, problems: validateDefinition(draft, await known(db)).problems };
}

export async function listWorkflows(query: { q?: string }, db: Db = defaultDb()) {
  const workflows = await db.workflow.findMany({
    where: { deletedAt: null, ...(query.q ? { OR: [{ name: { contains: query.q, mode: "insensitive" } }, { description: { contains: query.q, mode: "insensitive" } }] } : {}) },
    select: { ...summaryFields, versions: { select: { number: true, createdAt: true, createdBy: true, note: true }, orderBy: { number: "desc" }, take: 1 } },
    orderBy: { updatedAt: "desc" },
  });
  const activity = await runActivity(db, workflows.map((w) => w.id));
  return workflows.map(({ versions, ...w }) => ({ ...w, latestVersion: versions[0] ?? null, ...activity.get(w.id)! }));
}

interface RunActivity {
  lastRun: { id: string; status: RunStatus; createdAt: Date } | null;
  last24h: { runs: number; succeeded: number; failed: number };
}

/** Each workflow's latest run and its runs of the last 24 hours, for the list (one query). */
async function runActivity(db: Db, ids: string[]): Promise<Map<string, RunActivity>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string; last_id: string | null; last_status: RunStatus | null; last_at: Date | null; total: number; succeeded: number; failed: number }[]>`
    select w.id, last.id as last_id, last.status::text as last_status, last.created_at as last_at,
           day.total, day.succeeded, day.failed
      from unnest(${ids}::uuid[]) as w(id)
      left join lateral (select id, status, created_at from runs where workflow_id = w.id order by created_at desc limit 1) last on true
      cross join lateral (select count(*)::int as total, count(*) filter (where status = 'succeeded')::int as succeeded,
                                 count(*) filter (where status = 'failed')::int as failed
                            from runs where workflow_id = w.id and created_at > now() - interval '24 hours') day`;
  return new Map(
    rows.map((r) => [
      r.id,
      {
        lastRun: r.last_id ? { id: r.last_id, status: r.last_status!, createdAt: r.last_at! } : null,
        last24h: { runs: r.total, succeeded: r.succeeded, failed: r.failed },
      },
    ]),
  );
}

export async function getWorkflow(id: string, db: Db = defaultDb()) {
  const workflow = await findLive(db, id);
  const versions = await db.workflowVersion.findMany({
    where: { workflowId: id },
    select: { number: true, note: true, createdBy: true, createdAt: true },
    orderBy: { number: "desc" },
  });
  // Signing secrets stay on the server even sealed: the page gets when the current one was set.
  const { deletedAt: _, signingSecrets, draft, ...rest } = workflow;
  // The latest version's definition, so the editor can tell whether the draft differs from it.
  const latest = rest.activeVersion === null ? null : await db.workflowVersion.findFirst({ where: { workflowId: id }, orderBy: { number: "desc" }, select: { number: true, definition: true } });
  return { ...rest, draft, problems: validateDefinition(draft, await known(db)).problems, versions, latestDefinition: latest?.definition ?? null, callbackSigning: secretsSummary(signingSecrets) };
}

export async function updateWorkflow(id: string, change: z.infer<typeof updateWorkflowBody>, db: Db = defaultDb()) {
  await findLive(db, id);
  return db.workflow.update({ where: { id }, data: change, select: summaryFields });
}

/** Saves the draft. With `revision`, refuses (409) if someone saved since that revision. */
export async function saveDraft(id: string, input: z.infer<typeof saveDraftBody>, db: Db = defaultDb()) {
  const draft = structureOrThrow(input.definition);
  const { count } = await db.workflow.updateMany({
    where: { id, deletedAt: null, ...(input.revision === undefined ? {} : { draftRevision: input.revision }) },
    data: { draft: json(draft), draftRevision: { increment: 1 } },
  });
  const current = await findLive(db, id);
  if (count === 0) {
    throw conflict(`The draft was changed by someone else (now at revision ${current.draftRevision}, yours was ${input.revision}). Reload it before saving.`, {
      state: "stale-revision",
      revision: current.draftRevision,
    });
  }
  return { revision: current.draftRevision, updatedAt: current.updatedAt, problems: validateDefinition(draft, await known(db)).problems };
}

/** Publishes the draft as the next version, if it is valid; the new version becomes active, or
 * (with `canary`) takes that share of new runs next to the active one. */
export async function publishDraft(id: string, input: z.infer<typeof publishBody>, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`select id from workflows where id = ${id}::uuid for update`;
    const workflow = await findLive(tx, id);
    const { definition, problems } = validateDefinition(workflow.draft, await known(tx));
    const errors = [...problems.filter(isError), ...(definition ? await callCycleProblems(tx, id, definition) : [])];
    if (!definition || errors.length) {
      throw unprocessable(`The draft has ${errors.length} problem${errors.length === 1 ? "" : "s"}; fix ${errors.length === 1 ? "it" : "them"} before publishing.`, errors);
    }
    const last = await tx.workflowVersion.findFirst({ where: { workflowId: id }, orderBy: { number: "desc" }, select: { number: true, definition: true } });
    // An identical version would only add noise to the history (and to canaries, later).
    if (last && canonicalJson(last.definition) === canonicalJson(definition)) {
      throw conflict(`Nothing changed since version ${last.number}; edit the draft before publishing again.`, { state: "unchanged", version: last.number });
    }
    const number = (last?.number ?? 0) + 1;
    const version = await tx.workflowVersion.create({
      data: { workflowId: id, number, definition: json(definition), note: input.note || null, createdBy: actor },
      select: { number: true, note: true, createdBy: true, createdAt: true },
    });
    const rollout = workflow.rollout as unknown as Rollout | null;
    if (input.canary && workflow.activeVersion !== null) {
      // The active version keeps the rest; a canary already running is replaced by this one.
      const { weight, ...rest } = input.canary;
      await startRollout(id, { versions: [{ version: number, weight }], ...rest }, actor, db, tx);
      return { ...version, canary: weight };
    }
    await tx.workflow.update({ where: { id }, data: { activeVersion: number } });
    if (rollout) await endRolloutByPublish(tx, id, rollout, number, actor);
    return version;
  });
}

export async function listVersions(id: string, db: Db = defaultDb()) {
  await findLive(db, id);
  return db.workflowVersion.findMany({
    where: { workflowId: id },
    select: { number: true, note: true, createdBy: true, createdAt: true },
    orderBy: { number: "desc" },
  });
}

export async function getVersion(id: string, number: number, db: Db = defaultDb()) {
  await findLive(db, id);
  const version = await db.workflowVersion.findUnique({
    where: { workflowId_number: { workflowId: id, number } },
    select: { number: true, definition: true, note: true, createdBy: true, createdAt: true },
  });
  if (!version) throw notFound(`Version ${number} of workflow ${id}`);
  return version;
}

/** Hides a workflow; its versions and runs stay for the record. */
export async function deleteWorkflow(id: string, db: Db = defaultDb()) {
  await findLive(db, id);
  await db.workflow.update({ where: { id }, data: { deletedAt: new Date() } });
}

/** A new workflow whose draft is a copy of this one's; nothing published yet. */
export async function duplicateWorkflow(id: string, actor: string, db: Db = defaultDb()) {
  const source = await findLive(db, id);
  const draft = structureOrThrow(source.draft);
  const copy = await db.workflow.create({
    data: { name: `Copy of ${source.name}`.slice(0, 200), description: source.description, draft: json(draft), createdBy: actor },
    select: summaryFields,
  });
  return { ...copy, problems: validateDefinition(draft, await known(db)).problems };
}
