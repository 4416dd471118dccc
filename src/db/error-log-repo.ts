import { and, asc, count, desc, eq, gte, inArray, isNull, like, or, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { type ErrorLevel, errorLog } from "./schema";

export interface ErrorEntry {
  level: ErrorLevel;
  /** An API error code or a short machine-readable name (`CHUNK_FAILED`, `DEAD_LETTER`…). */
  code: string;
  message: string;
  /** Where it happened: `POST /api/v1/...`, `queue`, `provider-sync:<provider>:<search>`. */
  source: string | null;
  requestId?: string | null;
  detail?: unknown;
}

/**
 * The one writer of `error_log`, the table operators read through `GET /errors`. Callers must
 * keep secrets out of `message` and `detail`. It throws like any write; callers on a path that
 * must not fail because logging did (the error handler, the queue consumer) catch.
 */
export async function recordError(
  db: Db,
  entry: ErrorEntry,
  now: Date = new Date(),
): Promise<void> {
  await db.insert(errorLog).values({
    at: now.toISOString(),
    level: entry.level,
    code: entry.code,
    message: entry.message,
    source: entry.source,
    requestId: entry.requestId ?? null,
    detail: entry.detail ?? null,
  });
}

export type ErrorRow = typeof errorLog.$inferSelect;

export interface ErrorFilter {
  level?: ErrorLevel;
  /** ISO timestamp: entries at or after it. */
  since?: string;
}

/** A page of the error log, newest first, and how many entries match in all. */
export async function listErrors(
  db: Db,
  filter: ErrorFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ErrorRow[]; total: number }> {
  const where: SQL[] = [];
  if (filter.level) where.push(eq(errorLog.level, filter.level));
  if (filter.since) where.push(gte(errorLog.at, filter.since));
  const condition = and(...where);
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(errorLog)
      .where(condition)
      .orderBy(desc(errorLog.at), desc(errorLog.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(errorLog).where(condition),
  ]);
  return { rows, total: totals[0]?.n ?? 0 };
}

/**
 * Sync failures not yet copied to HaloPSA's IntegrationError log, oldest first: errors of
 * provider syncs and of import chunks (`queue`) written at or after `since` (turning the mirror
 * on does not flood HaloPSA with old history).
 */
export async function unmirroredSyncFailures(
  db: Db,
  since: string,
  limit: number,
): Promise<ErrorRow[]> {
  return db
    .select()
    .from(errorLog)
    .where(
      and(
        eq(errorLog.level, "error"),
        isNull(errorLog.haloMirroredAt),
        gte(errorLog.at, since),
        or(like(errorLog.source, "provider-sync:%"), eq(errorLog.source, "queue")),
      ),
    )
    .orderBy(asc(errorLog.id))
    .limit(limit);
}

/** Marks entries as copied to HaloPSA (the mirror's bookkeeping; entries are never rewritten). */
export async function markMirrored(db: Db, ids: number[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db.update(errorLog).set({ haloMirroredAt: at }).where(inArray(errorLog.id, ids));
}
