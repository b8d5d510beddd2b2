// First-start data: an admin (from BATON_ADMIN_EMAIL / BATON_ADMIN_PASSWORD, or generated and
// printed once) so that a new install can be signed into at once.
import { randomBytes } from "node:crypto";
import type { Env } from "../env.ts";
import type { Db } from "../db.ts";
import { hashPassword } from "../auth/passwords.ts";
import { validateDefinition } from "../workflow/validate.ts";
import { examples } from "./examples.ts";

export const DEFAULT_ADMIN_EMAIL = "admin@baton.local";

export interface SeededAdmin {
  email: string;
  /** Set only when Baton generated the password; show it once. */
  generatedPassword?: string;
  /** The demo approver seeded with the examples, its password shown once too. */
  approver?: { email: string; password: string };
}

/** Creates the first admin when there are no users at all; returns it, or null if users exist. */
export async function seedAdmin(db: Db, env: Pick<Env, "BATON_ADMIN_EMAIL" | "BATON_ADMIN_PASSWORD">): Promise<SeededAdmin | null> {
  const email = (env.BATON_ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
  const generatedPassword = env.BATON_ADMIN_PASSWORD ? undefined : randomBytes(15).toString("base64url");
  const passwordHash = await hashPassword(env.BATON_ADMIN_PASSWORD ?? generatedPassword!);
  return db.$transaction(async (tx) => {
    // Two processes starting together must not both seed.
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('baton:seed'))`;
    if ((await tx.user.count()) > 0) return null;
    await tx.user.create({ data: { email, name: "Administrator", role: "admin", passwordHash } });
    await tx.auditEntry.create({ data: { actor: "system", action: "user.created", targetType: "user", targetId: email, data: { seeded: true } } });
    return { email, generatedPassword };
  });
}

export const DEMO_APPROVER_EMAIL = "approver@baton.local";

/** With the examples: an approver to try "Expense approval" with (a run's starter may not approve
 * their own request). Its password is generated and shown once, like the admin's. */
export async function seedDemoApprover(db: Db): Promise<{ email: string; password: string } | null> {
  const password = randomBytes(15).toString("base64url");
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('baton:seed'))`;
    if (await tx.user.findUnique({ where: { email: DEMO_APPROVER_EMAIL } })) return null;
    await tx.user.create({ data: { email: DEMO_APPROVER_EMAIL, name: "Demo approver", role: "approver", passwordHash } });
    await tx.auditEntry.create({ data: { actor: "system", action: "user.created", targetType: "user", targetId: DEMO_APPROVER_EMAIL, data: { seeded: true } } });
    return { email: DEMO_APPROVER_EMAIL, password };
  });
}

/** Publishes the example workflows on a fresh install (no workflows at all). Returns their names. */
export async function seedExamples(db: Db): Promise<string[]> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('baton:seed'))`;
    if ((await tx.workflow.count()) > 0) return [];
    for (const example of examples) {
      const { problems } = validateDefinition(example.definition);
      if (problems.length) throw new Error(`example "${example.name}" is invalid: ${JSON.stringify(problems)}`);
      const definition = example.definition as unknown as object;
      const workflow = await tx.workflow.create({
        data: { name: example.name, description: example.description, draft: definition, activeVersion: 1, createdBy: "system" },
      });
      await tx.workflowVersion.create({ data: { workflowId: workflow.id, number: 1, definition, note: "Example", createdBy: "system" } });
    }
    return examples.map((e) => e.name);
  });
}
