import { and, desc, eq, lt } from "drizzle-orm";
import type { Statement } from "./batch";
import type { Db } from "./client";
import { calls } from "./schema";

export type CallRow = typeof calls.$inferSelect;
export type NewCallRow = typeof calls.$inferInsert;

export function insertCallStatement(db: Db, row: NewCallRow): Statement {
  return db.insert(calls).values(row);
}

/** A lead's calls, newest first, cursor-paged by id (ids are time-ordered). */
export async function listCalls(
  db: Db,
  leadId: string,
  f: { cursor?: string | undefined; limit: number },
): Promise<CallRow[]> {
  return db
    .select()
    .from(calls)
    .where(and(eq(calls.leadId, leadId), f.cursor ? lt(calls.id, f.cursor) : undefined))
    .orderBy(desc(calls.id))
    .limit(f.limit);
}

/** What the automation rules did after the call, recorded on it once they have run. */
export async function setCallTransitions(db: Db, id: string, steps: unknown[]): Promise<void> {
  await db.update(calls).set({ transitions: steps }).where(eq(calls.id, id));
}
