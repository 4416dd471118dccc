import { and, desc, eq, inArray, like, lt, sql } from "drizzle-orm";
import { runBatch } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { auditLog, type JobItemStatus, jobItems, jobs } from "./schema";

export type JobRow = typeof jobs.$inferSelect;
export type JobItemRow = typeof jobItems.$inferSelect;

export interface NewJobItem {
  idx: number;
  chunk: number;
  input: unknown;
  rejected?: unknown[];
}

export async function insertJob(
  db: Db,
  job: typeof jobs.$inferInsert,
  items: NewJobItem[],
): Promise<void> {
  await runBatch(db, [
    db.insert(jobs).values(job),
    ...itemInserts(db, job.id, items, job.updatedAt),
  ]);
}

/** Adds items to a job already stored (a CSV upload writes them while it reads the body). */
export async function insertJobItems(
  db: Db,
  jobId: string,
  items: NewJobItem[],
  now: string,
): Promise<void> {
  await runBatch(db, itemInserts(db, jobId, items, now));
}

function itemInserts(db: Db, jobId: string, items: NewJobItem[], now: string) {
  // job_items rows bind 11 columns: 9 rows stay under D1's 100-parameter cap.
  return chunk(items, 9).map((part) =>
    db.insert(jobItems).values(
      part.map((it) => ({
        jobId,
        idx: it.idx,
        chunk: it.chunk,
        input: it.input,
        status: it.rejected ? ("done" as const) : ("pending" as const),
        action: it.rejected ? "rejected" : null,
        result: it.rejected ? [{ index: it.idx, action: "rejected", issues: it.rejected }] : null,
        error: it.rejected ? JSON.stringify(it.rejected) : null,
        updatedAt: now,
        // Every chunk's message is sent right after this insert.
        dueAt: it.rejected ? null : now,
      })),
    ),
  );
}

/** Removes a job that never started (an upload that failed halfway) with its items. */
export async function deleteJob(db: Db, id: string): Promise<void> {
  await runBatch(db, [
    db.delete(jobItems).where(eq(jobItems.jobId, id)),
    db.delete(jobs).where(eq(jobs.id, id)),
  ]);
}

export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  return db.query.jobs.findFirst({ where: eq(jobs.id, id) });
}

export async function listJobs(db: Db, limit: number, cursor?: string): Promise<JobRow[]> {
  return db
    .select()
    .from(jobs)
    .where(cursor ? lt(jobs.id, cursor) : undefined)
    .orderBy(desc(jobs.id))
    .limit(limit);
}

export async function chunkItems(db: Db, jobId: string, chunkNo: number): Promise<JobItemRow[]> {
  return db
    .select()
    .from(jobItems)
    .where(and(eq(jobItems.jobId, jobId), eq(jobItems.chunk, chunkNo)))
    .orderBy(jobItems.idx);
}

export async function jobItemsByStatus(
  db: Db,
  jobId: string,
  status?: JobItemStatus,
): Promise<JobItemRow[]> {
  return db
    .select()
    .from(jobItems)
    .where(and(eq(jobItems.jobId, jobId), status ? eq(jobItems.status, status) : undefined))
    .orderBy(jobItems.idx);
}

export interface JobCounts {
  pending: number;
  succeeded: number;
  failed: number;
  byAction: Record<string, number>;
}

export async function jobCounts(db: Db, jobId: string): Promise<JobCounts> {
  const rows = await db
    .select({ status: jobItems.status, action: jobItems.action, n: sql<number>`count(*)` })
    .from(jobItems)
    .where(eq(jobItems.jobId, jobId))
    .groupBy(jobItems.status, jobItems.action);
  const counts: JobCounts = { pending: 0, succeeded: 0, failed: 0, byAction: {} };
  for (const r of rows) {
    if (r.status === "pending") counts.pending += r.n;
    else if (r.status === "failed") counts.failed += r.n;
    else counts.succeeded += r.n;
    if (r.action) counts.byAction[r.action] = (counts.byAction[r.action] ?? 0) + r.n;
  }
  return counts;
}

/**
 * Of `leadIds`, the leads this job created in a run that was cut short before it recorded its
 * items (throttled or crashed: creates and their audit entries commit array by array, the items
 * at the end), so the resumed run finds them already written. The audit log names every job of
 * the run that created a lead; leads another item of the job already reports as created are
 * left out, so each creation is counted once.
 */
export async function leadsCreatedByJob(
  db: Db,
  jobId: string,
  leadIds: readonly string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk([...new Set(leadIds)], 90)) {
    const created = await db
      .select({ leadId: auditLog.leadId })
      .from(auditLog)
      .where(
        and(
          inArray(auditLog.leadId, part),
          inArray(auditLog.action, ["lead.created", "lead.recreated"]),
          like(auditLog.actor, `job:%${jobId}%`),
        ),
      );
    for (const r of created) if (r.leadId) out.add(r.leadId);
    const reported = await db
      .select({ leadId: jobItems.leadId })
      .from(jobItems)
      .where(
        and(
          eq(jobItems.jobId, jobId),
          inArray(jobItems.leadId, part),
          eq(jobItems.action, "created"),
        ),
      );
    for (const r of reported) if (r.leadId) out.delete(r.leadId);
  }
  return out;
}

export function updateItemStatement(
  db: Db,
  jobId: string,
  idx: number,
  patch: Partial<typeof jobItems.$inferInsert>,
) {
  return db
    .update(jobItems)
    .set(patch)
    .where(and(eq(jobItems.jobId, jobId), eq(jobItems.idx, idx)));
}

export function updateJobStatement(db: Db, id: string, patch: Partial<typeof jobs.$inferInsert>) {
  return db.update(jobs).set(patch).where(eq(jobs.id, id));
}

export async function updateJob(
  db: Db,
  id: string,
  patch: Partial<typeof jobs.$inferInsert>,
): Promise<void> {
  await db.update(jobs).set(patch).where(eq(jobs.id, id));
}

/** Failed leads of a job go back to pending (for a replay); returns their chunks and count. */
export async function resetFailedItems(
  db: Db,
  jobId: string,
  at: string,
): Promise<{ count: number; chunks: number[] }> {
  const rows = await db
    .update(jobItems)
    .set({ status: "pending", action: null, error: null, updatedAt: at })
    .where(and(eq(jobItems.jobId, jobId), eq(jobItems.status, "failed")))
    .returning({ chunk: jobItems.chunk });
  return { count: rows.length, chunks: [...new Set(rows.map((r) => r.chunk))] };
}

/** How many leads of a job are pending, by chunk. */
export async function pendingChunks(db: Db, jobId: string): Promise<Map<number, number>> {
  const rows = await db
    .select({ chunk: jobItems.chunk, n: sql<number>`count(*)` })
    .from(jobItems)
    .where(and(eq(jobItems.jobId, jobId), eq(jobItems.status, "pending")))
    .groupBy(jobItems.chunk);
  return new Map(rows.map((r) => [r.chunk, r.n]));
}

/**
 * Records when a delivery of these chunks is next expected (`due_at` on their pending leads),
 * so the sweeper leaves them alone until that time plus its stall threshold has passed.
 */
export async function markChunksDue(
  db: Db,
  jobId: string,
  chunks: readonly number[],
  dueAt: string,
): Promise<void> {
  // Two parameters besides the chunk list: 90 chunks per statement stay under D1's cap.
  const statements = chunk([...new Set(chunks)], 90).map((part) =>
    db
      .update(jobItems)
      .set({ dueAt })
      .where(
        and(
          eq(jobItems.jobId, jobId),
          eq(jobItems.status, "pending"),
          inArray(jobItems.chunk, part),
        ),
      ),
  );
  await runBatch(db, statements);
}

interface StalledChunk {
  jobId: string;
  chunk: number;
  pending: number;
}

/**
 * Chunks with pending leads that nothing has touched since `cutoff`: no lead of the chunk
 * decided or updated, no delivery due, and no lead of the whole job decided either (a job that
 * is still moving only has chunks waiting their turn in the queue, not lost ones).
 */
export async function stalledChunks(
  db: Db,
  cutoff: string,
  limit: number,
): Promise<StalledChunk[]> {
  const candidates = await db
    .select({ jobId: jobItems.jobId, chunk: jobItems.chunk, n: sql<number>`count(*)` })
    .from(jobItems)
    .where(eq(jobItems.status, "pending"))
    .groupBy(jobItems.jobId, jobItems.chunk)
    .having(
      and(
        lt(sql`max(${jobItems.updatedAt})`, cutoff),
        lt(sql`max(coalesce(${jobItems.dueAt}, ''))`, cutoff),
      ),
    )
    .orderBy(jobItems.jobId, jobItems.chunk)
    .limit(limit);
  const jobIds = [...new Set(candidates.map((c) => c.jobId))];
  const live = new Set<string>();
  for (const part of chunk(jobIds, 90)) {
    const rows = await db
      .select({ jobId: jobItems.jobId })
      .from(jobItems)
      .where(and(inArray(jobItems.jobId, part), sql`${jobItems.updatedAt} >= ${cutoff}`))
      .groupBy(jobItems.jobId);
    for (const r of rows) live.add(r.jobId);
  }
  return candidates
    .filter((c) => !live.has(c.jobId))
    .map((c) => ({ jobId: c.jobId, chunk: c.chunk, pending: c.n }));
}
