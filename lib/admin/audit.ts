import type { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db.ts";

type Tx = Db | Prisma.TransactionClient;

/** Records an administrative action (users, tokens) in audit_entries. */
export async function audit(
  db: Tx,
  entry: { actor: string; action: string; targetType: string; targetId: string; data?: Prisma.InputJsonValue },
): Promise<void> {
  await db.auditEntry.create({ data: { ...entry, data: entry.data ?? {} } });
}
