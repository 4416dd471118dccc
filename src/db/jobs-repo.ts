import { and, desc, eq, inArray, like, lt, sql } from "drizzle-orm";
import { type AuditEntry, guardedAuditInsert } from "./audit";
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
 * at the end), so the resumed run finds them already written. The audit entry names every job
 * of the run that created the lead (`job:<id>+<id>`); a lead an item of one of those jobs
 * already reports as created is left out, so each creation is counted once.
 */
export async function leadsCreatedByJob(
  db: Db,
  jobId: string,
  leadIds: readonly string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk([...new Set(leadIds)], 90)) {
    const created = await db
      .select({ leadId: auditLog.leadId, actor: auditLog.actor })
      .from(auditLog)
      .where(
        and(
          inArray(auditLog.leadId, part),
          inArray(auditLog.action, ["lead.created", "lead.recreated"]),
          like(auditLog.actor, `job:%${jobId}%`),
        ),
      );
    const creators = new Set<string>();
    for (const r of created) {
      if (!r.leadId) continue;
      out.add(r.leadId);
      for (const id of r.actor.slice("job:".length).split("+")) creators.add(id);
    }
    if (creators.size === 0) continue;
    const reported = await db
      .select({ leadId: jobItems.leadId })
      .from(jobItems)
      .where(
        and(
          inArray(jobItems.jobId, [...creators]),
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

export interface JobRetry {
  /** Failed leads put back to pending. */
  replayed: number;
  /** Leads that were already pending. */
  resumed: number;
  /** Every chunk with pending leads now: the ones to queue again. */
  chunks: number[];
}

/**
 * A retry, in one batch (one transaction): the job's failed leads go back to pending, a job
 * that has anything to run again is `queued` and unfinished, and the `job.retried` entry
 * `audit` (its detail counted by SQL in the same transaction, before the reset) is recorded
 * while the job exists. A concurrent retry runs after or before it, and replays and records
 * only what is left. Queueing the chunks is the caller's next step, outside the batch.
 */
export async function retryJob(
  db: Db,
  jobId: string,
  audit: Omit<AuditEntry, "detail">,
  now: Date,
): Promise<JobRetry> {
  const at = now.toISOString();
  const ofJob = (status: JobItemStatus) =>
    sql`(SELECT count(*) FROM ${jobItems} WHERE ${jobItems.jobId} = ${jobId} AND ${jobItems.status} = ${status})`;
  const detail = sql`json_object('replayed', ${ofJob("failed")}, 'resumed', ${ofJob("pending")},
    'chunks', (SELECT count(DISTINCT ${jobItems.chunk}) FROM ${jobItems}
      WHERE ${jobItems.jobId} = ${jobId} AND ${jobItems.status} IN ('failed', 'pending')))`;
  const [pending, , , reset] = await db.batch([
    db
      .select({ chunk: jobItems.chunk, n: sql<number>`count(*)` })
      .from(jobItems)
      .where(and(eq(jobItems.jobId, jobId), eq(jobItems.status, "pending")))
      .groupBy(jobItems.chunk),
    guardedAuditInsert(db, { ...audit, detail }, now, jobs, eq(jobs.id, jobId)),
    // Before the reset, which it reads: failed leads to replay, or a finished job with leads
    // still pending (stranded), make the job run again.
    db
      .update(jobs)
      .set({ status: "queued", finishedAt: null, updatedAt: at })
      .where(
        and(
          eq(jobs.id, jobId),
          sql`(${ofJob("failed")} > 0 OR (${jobs.finishedAt} IS NOT NULL AND ${ofJob("pending")} > 0))`,
        ),
      ),
    db
      .update(jobItems)
      .set({ status: "pending", action: null, error: null, updatedAt: at })
      .where(and(eq(jobItems.jobId, jobId), eq(jobItems.status, "failed")))
      .returning({ chunk: jobItems.chunk }),
  ]);
  return {
    replayed: reset.length,
    resumed: pending.reduce((n, p) => n + p.n, 0),
    chunks: [...new Set([...pending.map((p) => p.chunk), ...reset.map((r) => r.chunk)])],
  };
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
