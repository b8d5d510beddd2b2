// The pg-boss instance of a process. The worker runs maintenance and fetches jobs (see
// worker/dispatcher.ts); the web process only sends, inside its own transactions, and so skips
// supervision and cron.
import { PgBoss } from "pg-boss";
import { log } from "./log.ts";
import { queues } from "./engine/jobs.ts";

export interface BossOptions {
  databaseUrl: string;
  role: "worker" | "web";
}

export async function startBoss({ databaseUrl, role }: BossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    application_name: `baton-${role}`,
    // Workers listen for our own NOTIFY baton_jobs (worker/notifications.ts) instead.
    useListenNotify: false,
    supervise: role === "worker",
    schedule: role === "worker",
    migrate: true,
    instanceName: `baton-${role}`,
    // Job expiry and lost heartbeats are checked on this cadence (pg-boss's default is a minute).
    superviseIntervalSeconds: 10,
    monitorIntervalSeconds: 10,
    max: role === "worker" ? 10 : 4,
  });
  boss.on("error", (error) => log.error({ err: error }, "pg-boss error"));
  boss.on("warning", (warning) => log.warn({ warning }, `pg-boss: ${warning.message}`));
  await boss.start();
  await ensureQueues(boss);
  return boss;
}

/** Creates the queues of the job catalog, or brings their options up to date. */
async function ensureQueues(boss: PgBoss) {
  for (const q of queues) {
    if (await boss.getQueue(q.name)) await boss.updateQueue(q.name, q.options);
    else await boss.createQueue(q.name, q.options).catch(async (error) => {
      // Another process created it a moment ago.
      if (!(await boss.getQueue(q.name))) throw error;
    });
  }
}
