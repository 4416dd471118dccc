import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { configChecks, haloLookups } from "./schema";

export type ConfigCheckRow = typeof configChecks.$inferSelect;

/** The one row holding the latest check (the table keeps no history: the audit log does). */
const LATEST = 1;

export async function cachedLookups(
  db: Db,
  baseUrl: string,
): Promise<{ lookups: unknown; fetchedAt: string } | undefined> {
  const [row] = await db.select().from(haloLookups).where(eq(haloLookups.baseUrl, baseUrl));
  return row ? { lookups: row.lookups, fetchedAt: row.fetchedAt } : undefined;
}

export async function storeLookups(
  db: Db,
  baseUrl: string,
  lookups: unknown,
  fetchedAt: string,
): Promise<void> {
  await db
    .insert(haloLookups)
    .values({ baseUrl, lookups, fetchedAt })
    .onConflictDoUpdate({ target: haloLookups.baseUrl, set: { lookups, fetchedAt } });
}

export async function latestCheck(db: Db): Promise<ConfigCheckRow | undefined> {
  const [row] = await db.select().from(configChecks).where(eq(configChecks.id, LATEST));
  return row;
}

export async function saveCheck(
  db: Db,
  check: Omit<typeof configChecks.$inferInsert, "id">,
): Promise<void> {
  await db
    .insert(configChecks)
    .values({ ...check, id: LATEST })
    .onConflictDoUpdate({ target: configChecks.id, set: check });
}
