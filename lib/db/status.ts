// Which migrations the database has, compared with prisma/migrations. Read by /health and by
// processes that must not run against an older schema.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type pg from "pg";

export interface MigrationStatus {
  applied: number;
  pending: string[];
  failed: string[];
  latest: string | null;
}

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(join(process.cwd(), "prisma", "migrations"), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

export async function migrationStatus(pool: pg.Pool): Promise<MigrationStatus> {
  const names = await migrationNames();
  const { rows } = await pool
    .query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `select migration_name, finished_at, rolled_back_at from _prisma_migrations order by started_at`,
    )
    .catch((error: { code?: string }) => {
      if (error.code === "42P01") return { rows: [] }; // no table yet: nothing applied
      throw error;
    });
  const done = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name));
  return {
    applied: done.size,
    pending: names.filter((n) => !done.has(n)),
    failed: rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name),
    latest: [...done].sort().at(-1) ?? null,
  };
}

/** Resolves once every migration is applied; until then calls `onWait` every 10 s. */
export async function waitForMigrations(pool: pg.Pool, onWait: (pending: string[]) => void): Promise<void> {
  let lastReport = 0;
  for (;;) {
    const status = await migrationStatus(pool).catch(() => undefined);
    if (status && status.pending.length === 0) return;
    if (Date.now() - lastReport > 10_000) {
      onWait(status?.pending ?? ["(database unreachable)"]);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
