// The sweeper asks every enabled rule which subjects fire now (conditions.ts), and keeps alerts
// in step, one transaction per rule: a subject that starts firing opens an alert and queues a
// notification to each of the rule's channels (at most `maxPerHour` new alerts per rule: beyond
// that they are counted on the rule's last alert, not sent); one still firing is the same alert
// (deduplicated by a unique index on open alerts); one that stopped resolves its alert and
// queues the resolved notifications.
import type pg from "pg";
import { transaction } from "../engine/tx.ts";
import { firingSubjects, type RuleRow } from "./conditions.ts";

const DEFAULT_MAX_PER_HOUR = 20;

export async function evaluateAlertRules(pool: pg.Pool): Promise<{ fired: number; resolved: number; failed: { rule: string; error: string }[] }> {
  const { rows: rules } = await pool.query<RuleRow>(`select id, name, kind, workflow_id, params, channel_ids, created_at from alert_rules where enabled order by created_at`);
  const total = { fired: 0, resolved: 0, failed: [] as { rule: string; error: string }[] };
  // One rule that cannot be evaluated does not keep the others from it.
  for (const rule of rules) {
    try {
      const { fired, resolved } = await evaluateRule(pool, rule);
      total.fired += fired;
      total.resolved += resolved;
    } catch (error) {
      total.failed.push({ rule: rule.name, error: (error as Error).message });
    }
  }
  return total;
}

/** One rule, in one transaction: alerts opened for new subjects, resolved for gone ones. */
async function evaluateRule(pool: pg.Pool, rule: RuleRow): Promise<{ fired: number; resolved: number }> {
  const subjects = await firingSubjects(pool, rule);
  return transaction(pool, async (tx) => {
    let fired = 0;
    let resolved = 0;
    const { rows: open } = await tx.query(`select id, subject from alerts where rule_id = $1 and state = 'firing' for update`, [rule.id]);
    const openSubjects = new Set(open.map((a) => a.subject as string));
    const stopped = open.filter((a) => !subjects.has(a.subject));
    if (stopped.length) {
      await tx.query(`update alerts set state = 'resolved', resolved_at = now() where id = any($1::uuid[])`, [stopped.map((a) => a.id)]);
      await queue(tx, stopped.map((a) => a.id), rule.channel_ids, "resolved");
      resolved += stopped.length;
    }
    await tx.query(`update alerts set last_seen_at = now() where rule_id = $1 and state = 'firing'`, [rule.id]);
    const fresh = [...subjects].filter(([subject]) => !openSubjects.has(subject));
    if (!fresh.length) return { fired, resolved };
    const { rows: recent } = await tx.query(`select count(*)::int as n from alerts where rule_id = $1 and fired_at > now() - interval '1 hour'`, [rule.id]);
    const room = Math.max(0, (rule.params.maxPerHour ?? DEFAULT_MAX_PER_HOUR) - recent[0].n);
    const sent = fresh.slice(0, room);
    if (sent.length) {
      const { rows: created } = await tx.query(
        `insert into alerts (rule_id, subject, message, data)
         select $1, s, m, d from unnest($2::text[], $3::text[], $4::jsonb[]) as t(s, m, d)
         on conflict do nothing returning id`,
        [rule.id, sent.map(([s]) => s), sent.map(([, f]) => f.message), sent.map(([, f]) => JSON.stringify({ ...f.data, path: f.path }))],
      );
      await queue(tx, created.map((a) => a.id), rule.channel_ids, "firing");
      fired += created.length;
    }
    if (fresh.length > sent.length) {
      // Over the rule's rate: kept visible on the rule's newest alert instead of sent.
      await tx.query(`update alerts set data = data || jsonb_build_object('suppressed', coalesce((data->>'suppressed')::int, 0) + $2) where id = (select id from alerts where rule_id = $1 order by fired_at desc limit 1)`, [rule.id, fresh.length - sent.length]);
    }
    return { fired, resolved };
  });
}

async function queue(tx: Pick<pg.PoolClient, "query">, alertIds: string[], channelIds: string[], kind: "firing" | "resolved") {
  if (!alertIds.length || !channelIds.length) return;
  await tx.query(
    `insert into alert_deliveries (alert_id, channel_id, kind) select a, c, $3 from unnest($1::uuid[]) a cross join unnest($2::uuid[]) c
      where exists (select 1 from alert_channels where id = c)`,
    [alertIds, channelIds, kind],
  );
  await tx.query(`select pg_notify('baton_alerts', '')`);
}
