// Brings a database up to date before web or worker use it: migrations, then first-start data.
import type { Env } from "../env.ts";
import { createDb } from "../db.ts";
import { applyMigrations } from "./migrations.ts";
import { seedAdmin, type SeededAdmin } from "./seed.ts";

export interface Prepared {
  applied: string[];
  admin: SeededAdmin | null;
}

export async function prepareDatabase(url: string, env: Env): Promise<Prepared> {
  const applied = await applyMigrations(url);
  const { prisma, close } = createDb(url, 2);
  try {
    const admin = await seedAdmin(prisma, env);
    return { applied, admin };
  } finally {
    await close();
  }
}
