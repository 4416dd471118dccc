import { runBatch } from "../db/batch";
import { database } from "../db/client";
import {
  chunkItems,
  findJob,
  jobCounts,
  markChunksDue,
  updateItemStatement,
  updateJob,
  updateJobStatement,
} from "../db/jobs-repo";
import { jobCompletedInsert } from "../db/outbox-repo";
import { permanentHaloStatus } from "../halo/errors";
import { importContext } from "../pipeline/context";
import { importLeads } from "../pipeline/import-leads";
import type { ImportOutcome } from "../pipeline/outcome";
import { JobOptionsSchema } from "./job-options";

/**
 * How long the consumer waits for HaloGate's window inside one delivery before handing the
 * message back to the queue with a delay: short waits keep a chunk's phases together, long
 * ones must not pin a consumer.
 */
const CONSUMER_WAIT_MS = 5_000;

/**
 * How soon a chunk whose people another import was writing comes back: that import usually
 * finishes within a second or two, and waiting for it spends no retry.
 */
const BUSY_REDELIVERY_S = 2;

export type ChunkResult =
  | { kind: "done" }
  | { kind: "retry"; reason: string }
  /** Some people were held by another writer: re-send after `delaySeconds`, no retry spent. */
  | { kind: "defer"; delaySeconds: number };

/**
 * Imports the pending leads of one chunk and records each outcome on its job item. Items
 * already decided (a re-delivered message) are skipped, so a chunk can run any number of times.
 */
export async function runChunk(
  env: Env,
  jobId: string,
  chunk: number,
  now: Date,
): Promise<ChunkResult> {
  const results = await runChunks(env, jobId, [chunk], now);
  return results.get(chunk) ?? { kind: "done" };
}

/**
 * Imports the pending leads of several chunks of one job as one run, so their clients, sites,
 * users and tickets share array POSTs of up to 100 records (a queue batch of ten chunks of a
 * 2,400-lead job costs about a quarter of the POSTs ten separate runs would). Each outcome is
 * recorded on its item, and each chunk gets its own result — done, retry (some of *its* leads
 * failed in a way a retry can change) or defer — so its message is acked or retried on its own.
 * A run cut short (throttled, crashed) leaves every chunk to be delivered again: what was
 * already written is on the rows (`write_pending`, saved ids), so nothing is created twice.
 */
export async function runChunks(
  env: Env,
  jobId: string,
  chunks: readonly number[],
  now: Date,
): Promise<Map<number, ChunkResult>> {
  const db = database(env.DB);
  const results = new Map<number, ChunkResult>();
  const job = await findJob(db, jobId);
  if (!job) {
    for (const c of chunks) results.set(c, { kind: "done" });
    return results;
  }
  const unique = [...new Set(chunks)];
  const items = (await Promise.all(unique.map((c) => chunkItems(db, jobId, c))))
    .flat()
    .filter((i) => i.status === "pending");
  if (items.length === 0) {
    await finish(env, jobId, now);
    for (const c of unique) results.set(c, { kind: "done" });
    return results;
  }
  // Claimed for this run: the sweeper leaves the chunks alone while a consumer is on them.
  await markChunksDue(db, jobId, unique, now.toISOString());
  if (job.status === "queued")
    await updateJob(db, jobId, { status: "running", updatedAt: now.toISOString() });

  const options = JobOptionsSchema.parse(job.options);
  const ctx = await importContext(env, {
    actor: `job:${jobId}`,
    requestId: null,
    options,
    dryRun: false,
    maxWaitMs: CONSUMER_WAIT_MS,
    now,
  });
  // Item indexes are unique within a job, so one run's outcomes map back to their chunks.
  const outcomes = await importLeads(
    ctx,
    items.map((it) => ({ index: it.idx, source: job.source, data: it.input })),
    // Another chunk creating a shared company is usually done within a few seconds: waiting
    // for it here is cheaper than a re-delivery.
    { waitForBusyMs: CONSUMER_WAIT_MS },
  );

  const chunkOf = new Map(items.map((it) => [it.idx, it.chunk]));
  const byIndex = new Map<number, ImportOutcome[]>();
  for (const o of outcomes) byIndex.set(o.index, [...(byIndex.get(o.index) ?? []), o]);
  const failures = outcomes.filter((o) => o.action === "failed");
  if (failures.length > 0) {
    await updateJob(db, jobId, { lastError: describe(failures[0] as ImportOutcome) });
  }
  // Leads HaloPSA kept failing for stay pending (with their last error) and their chunk goes
  // back to the queue with backoff; everything decided — HaloPSA's permanent refusals (a status
  // id the tenant does not know, …) included, with its words — is recorded now, so a retry
  // skips it rather than burning every queue retry into the dead-letter queue. After the last
  // retry the dead-letter consumer records the rest as failed; POST /sync/jobs/{id}/retry
  // replays them once the cause is fixed.
  await record(env, jobId, byIndex, now);

  for (const c of unique) {
    const own = outcomes.filter((o) => chunkOf.get(o.index) === c);
    if (own.some((o) => o.action === "failed" && !isPermanent(o))) {
      results.set(c, { kind: "retry", reason: firstError(own) });
    } else if (own.some((o) => o.action === "deferred")) {
      // People another import is writing stay pending; the chunk comes back once it is done.
      results.set(c, { kind: "defer", delaySeconds: BUSY_REDELIVERY_S });
    } else results.set(c, { kind: "done" });
  }
  if ([...results.values()].some((r) => r.kind === "done")) await finish(env, jobId, now);
  return results;
}

function isPermanent(o: ImportOutcome): boolean {
  return o.error !== null && permanentHaloStatus(o.error.message) !== null;
}

async function record(
  env: Env,
  jobId: string,
  byIndex: Map<number, ImportOutcome[]>,
  now: Date,
): Promise<void> {
  const db = database(env.DB);
  const at = now.toISOString();
  const statements = [];
  for (const [idx, list] of byIndex) {
    const primary = list.find((o) => o.action !== "rejected" && o.action !== "failed") ?? list[0];
    if (!primary) continue;
    if (list.some((o) => o.action === "deferred")) continue;
    const failed = primary.action === "failed";
    if (failed && !isPermanent(primary)) {
      // Still pending (a retry follows), but the job shows why it is not done yet.
      statements.push(updateItemStatement(db, jobId, idx, { error: describe(primary) }));
      continue;
    }
    statements.push(
      updateItemStatement(db, jobId, idx, {
        status: failed ? "failed" : "done",
        action: primary.action,
        leadId: primary.lead_id,
        result: list,
        error: failed || primary.action === "rejected" ? describe(primary) : null,
        updatedAt: at,
      }),
    );
  }
  await runBatch(db, statements);
}

/** Marks the job finished once no lead is pending; totals come from the items themselves. */
export async function finish(env: Env, jobId: string, now: Date): Promise<ChunkResult> {
  const db = database(env.DB);
  const counts = await jobCounts(db, jobId);
  if (counts.pending === 0) {
    const rejected = counts.byAction.rejected ?? 0;
    const status = counts.failed + rejected > 0 ? "completed_with_errors" : "completed";
    const job = await findJob(db, jobId);
    // The job.completed event commits with the status change (the outbox).
    await db.batch([
      jobCompletedInsert(
        db,
        {
          job_id: jobId,
          kind: job?.kind ?? "bulk",
          source: job?.source ?? "unknown",
          status,
          total: job?.total ?? counts.succeeded + counts.failed,
          succeeded: counts.succeeded - rejected,
          failed: counts.failed,
          rejected,
        },
        now,
      ),
      updateJobStatement(db, jobId, {
        status,
        finishedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      }),
    ]);
  }
  return { kind: "done" };
}

function describe(o: ImportOutcome): string {
  if (o.error) return `${o.error.code}: ${o.error.message}`;
  return o.issues.map((i) => `${i.field}: ${i.message}`).join("; ") || o.action;
}

function firstError(outcomes: ImportOutcome[]): string {
  const f = outcomes.find((o) => o.action === "failed");
  return f ? describe(f) : "chunk failed";
}
