// The pg-boss instance of a process. The worker runs maintenance and fetches jobs; the web
// process only sends (inside its own transactions) and so skips supervision and cron.
import { PgBoss } from "pg-boss";
import { log } from "./log.ts";

export interface BossOptions {
  databaseUrl: string;
  role: "worker" | "web";
}

export async function startBoss({ databaseUrl, role }: BossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    application_name: `baton-${role}`,
    // Wake workers on NOTIFY instead of the 2 s poll (each queue opts in with `notify: true`).
    useListenNotify: role === "worker",
    supervise: role === "worker",
    schedule: role === "worker",
    migrate: true,
    instanceName: `baton-${role}`,
    max: 10,
  });
  boss.on("error", (error) => log.error({ err: error }, "pg-boss error"));
  boss.on("warning", (warning) => log.warn({ warning }, `pg-boss: ${warning.message}`));
  await boss.start();
  return boss;
}
