import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { providerLookups } from "./schema";

/** A cached provider fact and when it was read, or undefined. */
export async function readProviderLookup(
  db: Db,
  provider: string,
  name: string,
): Promise<{ value: unknown; fetchedAt: string } | undefined> {
  const [row] = await db
    .select({ value: providerLookups.value, fetchedAt: providerLookups.fetchedAt })
    .from(providerLookups)
    .where(and(eq(providerLookups.provider, provider), eq(providerLookups.name, name)))
    .limit(1);
  return row;
}

export async function saveProviderLookup(
  db: Db,
  provider: string,
  name: string,
  value: unknown,
  now: Date,
): Promise<void> {
  const fetchedAt = now.toISOString();
  await db
    .insert(providerLookups)
    .values({ provider, name, value, fetchedAt })
    .onConflictDoUpdate({
      target: [providerLookups.provider, providerLookups.name],
      set: { value, fetchedAt },
    });
}
