// Brings a database up to date before web or worker use it: migrations, then first-start data.
import type { Env } from "../env.ts";
import { createDb } from "../db.ts";
import { applyMigrations } from "./migrations.ts";
import { loadKeyring } from "../secrets/keyring.ts";
import { seedAdmin, seedDemoApprover, seedExamples, type SeededAdmin } from "./seed.ts";

export interface Prepared {
  applied: string[];
  admin: SeededAdmin | null;
  examples: string[];
}

export async function prepareDatabase(url: string, env: Env): Promise<Prepared> {
  // The credentials' key exists before web and worker start (and a bad BATON_SECRET_KEY stops here).
  loadKeyring(env);
  const applied = await applyMigrations(url);
  const { prisma, close } = createDb(url, 2);
  try {
    const admin = await seedAdmin(prisma, env);
    // Examples only with a brand-new admin: an existing install that deleted them keeps them gone.
    const examples = admin && env.BATON_SEED_EXAMPLES ? await seedExamples(prisma) : [];
    const approver = examples.length ? await seedDemoApprover(prisma) : null;
    return { applied, admin: admin && approver ? { ...admin, approver } : admin, examples };
  } finally {
    await close();
  }
}
