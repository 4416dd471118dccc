import { and, eq, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "./client";
import { eventInserts, newEvent } from "./outbox-repo";
import { type SyncCursorStatus, syncCursors } from "./schema";

export type SyncCursorRow = typeof syncCursors.$inferSelect;

/** A run holds its search for at most this long; a crashed run's lease then expires. */
export const LEASE_MS = 15 * 60 * 1000;

const key = (provider: string, searchId: string) =>
  and(eq(syncCursors.provider, provider), eq(syncCursors.searchId, searchId));

export async function findCursor(
  db: Db,
  provider: string,
  searchId: string,
): Promise<SyncCursorRow | undefined> {
  return db.query.syncCursors.findFirst({ where: key(provider, searchId) });
}

export async function listCursors(db: Db): Promise<SyncCursorRow[]> {
  return db.select().from(syncCursors);
}

/**
 * Takes the search for this run: creates its row if needed, then flips it to `running` unless
 * another run holds a live lease (cron and an on-demand call must not page the same search at
 * once, or both would enrich the same people).
 */
export async function claimRun(
  db: Db,
  provider: string,
  searchId: string,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  await db
    .insert(syncCursors)
    .values({ provider, searchId, cursor: {}, status: "idle", updatedAt: at })
    .onConflictDoNothing();
  const stale = new Date(now.getTime() - LEASE_MS).toISOString();
  const claimed = await db
    .update(syncCursors)
    .set({ status: "running", updatedAt: at })
    .where(
      and(
        key(provider, searchId),
        or(ne(syncCursors.status, "running"), lt(syncCursors.updatedAt, stale)),
      ),
    )
    .returning({ provider: syncCursors.provider });
  return claimed.length > 0;
}

/** Stores the checkpoint after a page's job exists; `imported` adds to the running total. */
export async function saveCheckpoint(
  db: Db,
  provider: string,
  searchId: string,
  cursor: unknown,
  imported: number,
  now: Date,
): Promise<void> {
  await db
    .update(syncCursors)
    .set({
      cursor,
      imported: sql`${syncCursors.imported} + ${imported}`,
      updatedAt: now.toISOString(),
    })
    .where(key(provider, searchId));
}

/**
 * Ends the run: releases the lease with the final status. A run ending in error announces
 * `sync.failed` in the same batch (the outbox).
 */
export async function finishRun(
  db: Db,
  provider: string,
  searchId: string,
  end: {
    status: SyncCursorStatus;
    pausedUntil: string | null;
    lastError: string | null;
    cursor?: unknown;
  },
  now: Date,
): Promise<void> {
  const failed =
    end.status === "error"
      ? eventInserts(db, [
          newEvent(
            "sync.failed",
            { provider, search_id: searchId, error: end.lastError ?? "unknown error" },
            now,
          ),
        ])
      : [];
  const update = db
    .update(syncCursors)
    .set({
      status: end.status,
      pausedUntil: end.pausedUntil,
      lastError: end.lastError,
      lastRunAt: now.toISOString(),
      updatedAt: now.toISOString(),
      ...(end.cursor === undefined ? {} : { cursor: end.cursor }),
    })
    .where(key(provider, searchId));
  await db.batch([update, ...failed]);
}
