import { inArray, sql } from "drizzle-orm";
import type { Statement } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { mergeNotes } from "./schema";

/** A lead's latest merge note (src/pipeline/merge-notes.ts). */
export type MergeNoteRow = typeof mergeNotes.$inferSelect;

export async function loadMergeNotes(
  db: Db,
  leadIds: string[],
): Promise<Map<string, MergeNoteRow>> {
  const out = new Map<string, MergeNoteRow>();
  for (const part of chunk([...new Set(leadIds)], 90)) {
    const rows = await db.select().from(mergeNotes).where(inArray(mergeNotes.leadId, part));
    for (const r of rows) out.set(r.leadId, r);
  }
  return out;
}

/** Replaces the lead's latest note (one row per lead). */
export function upsertMergeNoteStatement(db: Db, row: MergeNoteRow): Statement {
  return db
    .insert(mergeNotes)
    .values(row)
    .onConflictDoUpdate({
      target: mergeNotes.leadId,
      set: {
        ticketId: sql`excluded.ticket_id`,
        digest: sql`excluded.digest`,
        note: sql`excluded.note`,
        state: sql`excluded.state`,
        haloActionId: sql`excluded.halo_action_id`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}
