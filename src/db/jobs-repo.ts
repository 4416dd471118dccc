import { and, desc, eq, lt, sql } from "drizzle-orm";
import { runBatch } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { type JobItemStatus, jobItems, jobs } from "./schema";

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
  // job_items rows bind 10 columns: 9 rows stay under D1's 100-parameter cap.
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
