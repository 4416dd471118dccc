import { and, eq, lt } from "drizzle-orm";
import type { Db } from "./client";
import { idempotencyKeys } from "./schema";

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/** Claims (principal, key) atomically; false when a row already exists. */
export async function claimKey(
  db: Db,
  row: { key: string; principal: string; route: string; bodyHash: string; expiresAt: string },
): Promise<boolean> {
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ ...row, state: "in_flight" })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return inserted.length > 0;
}

export async function findKey(
  db: Db,
  principal: string,
  key: string,
): Promise<IdempotencyRow | undefined> {
  return db.query.idempotencyKeys.findFirst({
    where: and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)),
  });
}

export async function completeKey(
  db: Db,
  principal: string,
  key: string,
  status: number,
  response: string,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: "completed", status, response })
    .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)));
}

export async function releaseKey(db: Db, principal: string, key: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)));
}

export async function deleteExpiredKeys(db: Db, now: string): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now));
}
