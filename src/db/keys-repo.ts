import { desc, eq, sql } from "drizzle-orm";
import type { Scope } from "../auth/principal";
import type { RateLimits } from "../auth/rate-limit-policy";
import { type AuditEntry, auditStatement, guardedAuditInsert } from "./audit";
import type { Db } from "./client";
import { apiKeys } from "./schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export interface NewKey {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: Scope[];
  rateLimits?: Partial<RateLimits> | null;
}

/** Issues a key and records `audit` in the same batch: no key exists without its entry. */
export async function insertAuditedKey(
  db: Db,
  row: NewKey,
  audit: AuditEntry,
  now: Date,
): Promise<ApiKeyRow> {
  const [[inserted]] = await db.batch([
    db.insert(apiKeys).values(row).returning(),
    auditStatement(db, audit, now),
  ]);
  if (!inserted) throw new Error("insert into api_keys returned no row");
  return inserted;
}

export async function findKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.query.apiKeys.findFirst({ where: eq(apiKeys.id, id) });
}

export async function listKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

/**
 * Revokes an active key with `audit` in the same batch, recorded before the update and only
 * while the key is still active: of two concurrent revokes, one revokes and records, the other
 * finds no active key (false) and records nothing.
 */
export async function revokeKey(
  db: Db,
  id: string,
  audit: AuditEntry,
  now: Date,
): Promise<boolean> {
  const active = sql`${apiKeys.id} = ${id} AND ${apiKeys.revokedAt} IS NULL`;
  const [, rows] = await db.batch([
    guardedAuditInsert(db, audit, now, apiKeys, active),
    db
      .update(apiKeys)
      .set({ revokedAt: now.toISOString() })
      .where(active)
      .returning({ id: apiKeys.id }),
  ]);
  return rows.length > 0;
}

export async function touchKey(db: Db, id: string, at: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}

/** The statement that sets a key's own limits, for a batch with its audit entry. */
export function updateKeyLimitsStatement(
  db: Db,
  id: string,
  rateLimits: Partial<RateLimits> | null,
) {
  return db.update(apiKeys).set({ rateLimits }).where(eq(apiKeys.id, id));
}
