// Canary rollouts of workflow versions: newer versions take a share of new runs next to the
// active (stable) one, chosen per run by a sticky key (a template over the input: one customer
// stays on one version, and raising a share only adds customers) or at random. The rollout is
// compared version by version (runs, failure rate, p50/p95 duration, dead letters), promoted
// (the canary becomes active for everyone) or rolled back (runs already started keep their
// version), by a person or automatically when the canary fails more than the stable version by
// a set margin. Every change is an audit entry that says why.
import type { z } from "zod";
import type pg from "pg";
import { audit } from "../admin/audit.ts";
import { conflict, notFound, unprocessable } from "../api/errors.ts";
import { db as defaultDb, type Db } from "../db.ts";
import { expressionPool } from "../expressions/pool.ts";
import { bucketOf } from "../flags/bucket.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { RunContext } from "../workflow/templates.ts";
import type { promoteBody, rollbackBody, startRolloutBody } from "./schemas.ts";

export type Rollout = z.infer<typeof startRolloutBody> & { startedAt: string; startedBy: string };

/** Why a run uses its version. */
export type VersionReason = "stable" | "canary" | "pinned" | "replay";

/** The version a new run gets: a canary when its bucket falls in a canary's share, else the active one. */
export async function chooseVersion(workflowId: string, active: number, rollout: Rollout | null, input: unknown): Promise<{ number: number; reason: VersionReason; bucket?: number }> {
  if (!rollout) return { number: active, reason: "stable" };
  let key: string | undefined;
  if (rollout.stickyKey) {
    // A key the template cannot give (a field missing from this input) falls back to random.
    const context: RunContext = { input, steps: {}, run: { id: "", workflowId, attempt: 1 } };
    const value = await expressionPool().resolve(rollout.stickyKey, context).catch(() => undefined);
    if (value !== undefined && value !== null && value !== "") key = typeof value === "string" ? value : JSON.stringify(value);
  }
  const bucket = key === undefined ? Math.floor(Math.random() * 10_000) : bucketOf(`workflow:${workflowId}`, key);
  let upTo = 0;
  for (const canary of rollout.versions) {
    upTo += Math.round(canary.weight * 100);
    if (bucket < upTo) return { number: canary.version, reason: "canary", bucket };
  }
  return { number: active, reason: "stable", bucket };
}

async function lockWorkflow(tx: Prisma.TransactionClient, id: string) {
  await tx.$queryRaw`select id from workflows where id = ${id}::uuid for update`;
  const workflow = await tx.workflow.findFirst({ where: { id, deletedAt: null }, select: { id: true, activeVersion: true, rollout: true } });
  if (!workflow) throw notFound(`Workflow ${id}`);
  return { ...workflow, rollout: workflow.rollout as unknown as Rollout | null };
}

const json = (r: Rollout | null) => (r === null ? Prisma.DbNull : (r as unknown as Prisma.InputJsonObject));

/** Starts (or changes) a rollout: each canary a published version other than the active one. */
export async function startRollout(id: string, body: z.infer<typeof startRolloutBody>, actor: string, db: Db = defaultDb(), tx?: Prisma.TransactionClient) {
  const run = async (tx: Prisma.TransactionClient) => {
    const workflow = await lockWorkflow(tx, id);
    if (workflow.activeVersion === null) throw conflict("Publish a version first: a canary runs next to the active version.", { state: "unpublished" });
    const numbers = new Set((await tx.workflowVersion.findMany({ where: { workflowId: id }, select: { number: true } })).map((v) => v.number));
    const problems = body.versions.flatMap((c, i) =>
      !numbers.has(c.version)
        ? [{ path: `versions.${i}.version`, message: `Version ${c.version} does not exist.` }]
        : c.version === workflow.activeVersion
          ? [{ path: `versions.${i}.version`, message: `Version ${c.version} is the active version; a canary is another one.` }]
          : body.versions.findIndex((o) => o.version === c.version) !== i
            ? [{ path: `versions.${i}.version`, message: `Version ${c.version} is named twice.` }]
            : [],
    );
    const total = body.versions.reduce((sum, c) => sum + c.weight, 0);
    if (total > 100) problems.push({ path: "versions", message: `The canaries take ${total} % together; at most 100 %.` });
    if (body.stickyKey && !body.stickyKey.includes("{{")) problems.push({ path: "stickyKey", message: "Write the key as a template, e.g. {{ input.customerId }}, or leave it empty for random." });
    if (problems.length) throw unprocessable("The rollout cannot start as asked.", problems);
    // Changing the shares of the same canaries keeps comparing from when they started; other
    // canaries start a new comparison.
    const same = workflow.rollout && body.versions.every((c) => workflow.rollout!.versions.some((o) => o.version === c.version));
    const rollout: Rollout = { ...body, startedAt: same ? workflow.rollout!.startedAt : new Date().toISOString(), startedBy: same ? workflow.rollout!.startedBy : actor };
    await tx.workflow.update({ where: { id }, data: { rollout: json(rollout) } });
    await audit(tx, { actor, action: workflow.rollout ? "workflow.rollout_changed" : "workflow.rollout_started", targetType: "workflow", targetId: id, data: { stable: workflow.activeVersion, ...body } });
    return { active: workflow.activeVersion, rollout };
  };
  return tx ? run(tx) : db.$transaction(run);
}

/** The canary (`version`, or the only one) becomes the active version for all new runs. */
export async function promoteRollout(id: string, body: z.infer<typeof promoteBody>, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    const workflow = await lockWorkflow(tx, id);
    if (!workflow.rollout) throw conflict("No rollout is running.", { state: "no-rollout" });
    const canaries = workflow.rollout.versions.map((c) => c.version);
    const version = body.version ?? (canaries.length === 1 ? canaries[0] : undefined);
    if (version === undefined || !canaries.includes(version)) {
      throw unprocessable(canaries.length > 1 ? `Name the canary to promote: ${canaries.map((v) => `v${v}`).join(" or ")}.` : `Version ${version} is not a canary.`, [{ path: "version", message: `one of ${canaries.join(", ")}` }]);
    }
    await tx.workflow.update({ where: { id }, data: { activeVersion: version, rollout: json(null) } });
    await audit(tx, { actor, action: "workflow.rollout_promoted", targetType: "workflow", targetId: id, data: { from: workflow.activeVersion, to: version, note: body.note } });
    return { active: version, rollout: null };
  });
}

/** Ends the rollout: new runs all get the active version; runs already started keep theirs. */
export async function rollBack(id: string, body: z.infer<typeof rollbackBody>, actor: string, db: Db = defaultDb(), automatic?: Prisma.InputJsonObject) {
  return db.$transaction(async (tx) => {
    const workflow = await lockWorkflow(tx, id);
    if (!workflow.rollout) throw conflict("No rollout is running.", { state: "no-rollout" });
    await tx.workflow.update({ where: { id }, data: { rollout: json(null) } });
    await audit(tx, {
      actor,
      action: "workflow.rollout_rolled_back",
      targetType: "workflow",
      targetId: id,
      data: { stable: workflow.activeVersion, canaries: workflow.rollout.versions, reason: body.reason, ...(automatic ? { automatic } : {}) },
    });
    return { active: workflow.activeVersion, rollout: null };
  });
}

/** Ends a rollout because a version was published as active (inside the publishing transaction). */
export async function endRolloutByPublish(tx: Prisma.TransactionClient, id: string, rollout: Rollout, published: number, actor: string) {
  await tx.workflow.update({ where: { id }, data: { rollout: json(null) } });
  await audit(tx, { actor, action: "workflow.rollout_ended", targetType: "workflow", targetId: id, data: { canaries: rollout.versions, reason: `version ${published} was published as the active version` } });
}

export interface VersionStats {
  version: number;
  role: "stable" | "canary";
  weight: number;
  runs: number;
  finished: number;
  failed: number;
  /** failed / finished, 0 … 1; null before any run finished. */
  failureRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  deadLetters: number;
}

/** Each version of the rollout side by side, over the runs started since it began. */
export async function rolloutStats(pool: Pick<pg.Pool, "query">, workflowId: string, active: number, rollout: Rollout): Promise<VersionStats[]> {
  const versions = [active, ...rollout.versions.map((c) => c.version)];
  const { rows } = await pool.query(
    `select r.version_number as version, count(*)::int as runs,
            count(*) filter (where r.status in ('succeeded', 'failed', 'cancelled'))::int as finished,
            count(*) filter (where r.status = 'failed')::int as failed,
            percentile_cont(0.5) within group (order by extract(epoch from r.finished_at - r.created_at) * 1000) filter (where r.finished_at is not null) as p50,
            percentile_cont(0.95) within group (order by extract(epoch from r.finished_at - r.created_at) * 1000) filter (where r.finished_at is not null) as p95,
            (select count(*)::int from dead_letters d join runs x on x.id = d.run_id
              where x.workflow_id = $1 and x.version_number = r.version_number and x.created_at >= $2 and d.resolved_at is null) as dead_letters
       from runs r
      where r.workflow_id = $1 and r.created_at >= $2 and r.version_number = any($3::int[]) and r.parent_run_id is null
      group by r.version_number`,
    [workflowId, rollout.startedAt, versions],
  );
  const canaryShare = rollout.versions.reduce((sum, c) => sum + c.weight, 0);
  return versions.map((version, i) => {
    const r = rows.find((x) => x.version === version);
    const finished = r?.finished ?? 0;
    return {
      version,
      role: i === 0 ? "stable" : "canary",
      weight: i === 0 ? Math.round((100 - canaryShare) * 100) / 100 : rollout.versions[i - 1].weight,
      runs: r?.runs ?? 0,
      finished,
      failed: r?.failed ?? 0,
      failureRate: finished ? (r.failed as number) / finished : null,
      p50Ms: r?.p50 === null || r?.p50 === undefined ? null : Math.round(r.p50),
      p95Ms: r?.p95 === null || r?.p95 === undefined ? null : Math.round(r.p95),
      deadLetters: r?.dead_letters ?? 0,
    };
  });
}

/** The rollout and its comparison, for the workflow's rollout page and the dashboard. */
export async function getRollout(id: string, pool: Pick<pg.Pool, "query">, db: Db = defaultDb()) {
  const workflow = await db.workflow.findFirst({ where: { id, deletedAt: null }, select: { id: true, name: true, activeVersion: true, rollout: true } });
  if (!workflow) throw notFound(`Workflow ${id}`);
  const rollout = workflow.rollout as unknown as Rollout | null;
  const [versions, history] = await Promise.all([
    db.workflowVersion.findMany({ where: { workflowId: id }, orderBy: { number: "desc" }, select: { number: true, note: true, createdAt: true } }),
    db.auditEntry.findMany({ where: { targetType: "workflow", targetId: id, action: { startsWith: "workflow.rollout" } }, orderBy: { id: "desc" }, take: 20 }),
  ]);
  return {
    id,
    name: workflow.name,
    active: workflow.activeVersion,
    rollout,
    stats: rollout && workflow.activeVersion !== null ? await rolloutStats(pool, id, workflow.activeVersion, rollout) : [],
    versions,
    history: history.map((h) => ({ id: h.id.toString(), action: h.action, actor: h.actor, at: h.at, data: h.data })),
  };
}

/** Every running rollout with its comparison (the dashboard's panel). */
export async function listRollouts(pool: Pick<pg.Pool, "query">) {
  const { rows } = await pool.query(`select id, name, active_version, rollout from workflows where rollout is not null and deleted_at is null and active_version is not null order by name`);
  return Promise.all(rows.map(async (w) => ({ id: w.id as string, name: w.name as string, active: w.active_version as number, rollout: w.rollout as Rollout, stats: await rolloutStats(pool, w.id, w.active_version, w.rollout) })));
}

/** Rolls back every rollout whose canary fails more than its stable version by its margin (the
 * sweeper calls this): the audit entry carries both sides' figures. */
export async function checkAutomaticRollbacks(pool: Pick<pg.Pool, "query">, db: Db = defaultDb()): Promise<string[]> {
  const { rows } = await pool.query(`select id, active_version, rollout from workflows where rollout ? 'autoRollback' and deleted_at is null and active_version is not null`);
  const rolledBack: string[] = [];
  for (const w of rows) {
    const rollout = w.rollout as Rollout;
    const rule = rollout.autoRollback!;
    const [stable, ...canaries] = await rolloutStats(pool, w.id, w.active_version, rollout);
    const stableRate = stable.failureRate ?? 0;
    const failing = canaries.find((c) => c.finished >= rule.minRuns && c.failureRate !== null && (c.failureRate - stableRate) * 100 > rule.margin);
    if (!failing) continue;
    const pct = (rate: number) => `${Math.round(rate * 1000) / 10} %`;
    const reason = `canary v${failing.version} failed ${pct(failing.failureRate!)} of ${failing.finished} runs; stable v${stable.version} ${pct(stableRate)} of ${stable.finished}: over the margin of ${rule.margin} points`;
    try {
      await rollBack(w.id, { reason }, "system:auto-rollback", db, { canary: { ...failing }, stable: { ...stable }, rule });
      rolledBack.push(w.id);
    } catch (error) {
      // Someone promoted or rolled back in between: nothing left to do.
      if ((error as { status?: number }).status !== 409) throw error;
    }
  }
  return rolledBack;
}
