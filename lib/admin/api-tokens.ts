// API tokens: created by an admin with a role and an optional expiry, shown once, revocable.
// Each belongs to the person who made it and stops working while that person is disabled.
import { db as defaultDb, type Db } from "../db.ts";
import { newApiToken } from "../auth/tokens.ts";
import { notFound } from "../api/errors.ts";
import { audit } from "./audit.ts";
import type { CreateTokenBody } from "./schemas.ts";

const publicFields = {
  id: true,
  name: true,
  role: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdBy: true,
  expiresAt: true,
  createdByUser: { select: { email: true, disabledAt: true } },
} as const;

export function listApiTokens(db: Db = defaultDb()) {
  return db.apiToken.findMany({ select: publicFields, orderBy: { createdAt: "desc" } });
}

export async function createApiToken(input: CreateTokenBody, creator: { label: string; userId: string | null }, db: Db = defaultDb()) {
  const { token, tokenHash, prefix } = newApiToken();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  return db.$transaction(async (tx) => {
    const record = await tx.apiToken.create({
      data: { name: input.name, role: input.role, tokenHash, prefix, createdBy: creator.label, createdByUserId: creator.userId, expiresAt },
      select: publicFields,
    });
    await audit(tx, {
      actor: creator.label,
      action: "token.created",
      targetType: "api_token",
      targetId: record.id,
      data: { name: input.name, role: input.role, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { ...record, token };
  });
}

export async function revokeApiToken(id: string, actor: string, db: Db = defaultDb()) {
  return db.$transaction(async (tx) => {
    const record = await tx.apiToken.findUnique({ where: { id } });
    if (!record) throw notFound(`API token ${id}`);
    if (record.revokedAt) return;
    await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, { actor, action: "token.revoked", targetType: "api_token", targetId: id, data: { name: record.name } });
  });
}
