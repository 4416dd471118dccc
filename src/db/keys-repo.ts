import { and, desc, eq, isNull } from "drizzle-orm";
import type { Scope } from "../auth/principal";
import type { RateLimits } from "../auth/rate-limit-policy";
import type { Db } from "./client";
import { apiKeys } from "./schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function insertKey(
  db: Db,
  row: {
    id: string;
    name: string;
    prefix: string;
    hash: string;
    scopes: Scope[];
    rateLimits?: Partial<RateLimits> | null;
  },
): Promise<ApiKeyRow> {
  const [inserted] = await db.insert(apiKeys).values(row).returning();
  if (!inserted) throw new Error("insert into api_keys returned no row");
  return inserted;
}

export async function findKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.query.apiKeys.findFirst({ where: eq(apiKeys.id, id) });
}

export async function listKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

export async function revokeKey(db: Db, id: string, at: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export async function touchKey(db: Db, id: string, at: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}

/** Sets a key's own rate limits (null: back to the defaults); the row, or undefined if none. */
/** The statement that sets a key's own limits, for a batch with its audit entry. */
export function updateKeyLimitsStatement(
  db: Db,
  id: string,
  rateLimits: Partial<RateLimits> | null,
) {
  return db.update(apiKeys).set({ rateLimits }).where(eq(apiKeys.id, id));
}
