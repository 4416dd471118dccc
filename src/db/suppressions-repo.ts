import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SuppressionKey, SuppressionKind } from "../domain/suppression";
import { newId } from "../ids";
import { type AuditEntry, guardedAuditInsert } from "./audit";
import { runBatch } from "./batch";
import type { Db } from "./client";
import { contactSuppressedInsert } from "./outbox-repo";
import { cancelPendingStatement, propagationInserts } from "./propagations-repo";
import { suppressions } from "./schema";

export type SuppressionRow = typeof suppressions.$inferSelect;

/**
 * Adds an entry; an existing one for the same key is returned untouched (first reason wins).
 * A new entry's `contact.suppressed` event and its pushes to HaloPSA and the providers
 * (`suppression_propagations`, worked by src/dnc) are committed in the same batch (the outbox),
 * and so is `audit(id)` when given: recorded only if this batch created the entry, so a
 * duplicate leaves no audit row and a new entry never exists without one.
 */
export async function addSuppression(
  db: Db,
  entry: SuppressionKey & { reason: string | null; origin: string; createdBy: string },
  now: Date = new Date(),
  audit?: (id: string) => AuditEntry,
): Promise<{ row: SuppressionRow; created: boolean }> {
  const id = newId("sup");
  const [inserted] = await db.batch([
    db
      .insert(suppressions)
      .values({ id, ...entry })
      .onConflictDoNothing()
      .returning(),
    contactSuppressedInsert(db, { id, ...entry }, now),
    // The pushes to HaloPSA and the providers (src/dnc): the outbox, in the same batch.
    ...propagationInserts(db, { id, origin: entry.origin }, now),
    ...(audit
      ? [guardedAuditInsert(db, audit(id), now, suppressions, eq(suppressions.id, id))]
      : []),
  ]);
  if (inserted[0]) return { row: inserted[0], created: true };
  const existing = await db.query.suppressions.findFirst({
    where: and(eq(suppressions.kind, entry.kind), eq(suppressions.value, entry.value)),
  });
  if (!existing) throw new Error("suppression vanished between insert and read");
  return { row: existing, created: false };
}

/**
 * Bulk add for provider opt-out signals: one statement per 10 rows (D1's bound-parameter cap),
 * each new entry with its `contact.suppressed` event in the same batch.
 */
export async function addSuppressions(
  db: Db,
  entries: (SuppressionKey & { reason: string | null; origin: string; createdBy: string })[],
  now: Date = new Date(),
): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) {
    const chunk = entries.slice(i, i + 10).map((e) => ({ id: newId("sup"), ...e }));
    await runBatch(db, [
      db.insert(suppressions).values(chunk).onConflictDoNothing(),
      ...chunk.map((e) => contactSuppressedInsert(db, e, now)),
      ...chunk.flatMap((e) => propagationInserts(db, e, now)),
    ]);
  }
}

/** The entries matching any of the keys (one query, whatever the number of keys). */
export async function findSuppressions(db: Db, keys: SuppressionKey[]): Promise<SuppressionRow[]> {
  if (keys.length === 0) return [];
  const found: SuppressionRow[] = [];
  // D1 caps bound parameters per statement at 100; two per key.
  for (let i = 0; i < keys.length; i += 40) {
    const clauses = keys
      .slice(i, i + 40)
      .map((k) => and(eq(suppressions.kind, k.kind), eq(suppressions.value, k.value)));
    found.push(
      ...(await db
        .select()
        .from(suppressions)
        .where(or(...clauses))),
    );
  }
  return found;
}

export async function listSuppressions(
  db: Db,
  filter: { kind?: SuppressionKind; value?: string; cursor?: string; limit: number },
): Promise<SuppressionRow[]> {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(suppressions.kind, filter.kind));
  if (filter.value) where.push(eq(suppressions.value, filter.value));
  if (filter.cursor) where.push(lt(suppressions.id, filter.cursor));
  return db
    .select()
    .from(suppressions)
    .where(and(...where))
    .orderBy(desc(suppressions.id))
    .limit(filter.limit);
}

/**
 * Removes an entry and cancels its pushes not yet made, with `audit` in the same batch, recorded
 * only if the entry is still there when the batch runs: of two concurrent deletes, one removes
 * the entry with its audit row, the other finds nothing (undefined) and records nothing.
 */
export async function deleteSuppression(
  db: Db,
  id: string,
  audit: AuditEntry,
  now: Date = new Date(),
): Promise<SuppressionRow | undefined> {
  const [, deleted] = await db.batch([
    guardedAuditInsert(db, audit, now, suppressions, eq(suppressions.id, id)),
    db.delete(suppressions).where(eq(suppressions.id, id)).returning(),
    cancelPendingStatement(db, id, now),
  ]);
  return deleted[0];
}

export async function findSuppression(db: Db, id: string): Promise<SuppressionRow | undefined> {
  return db.query.suppressions.findFirst({ where: eq(suppressions.id, id) });
}
