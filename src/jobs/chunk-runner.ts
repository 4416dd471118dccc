import { runBatch } from "../db/batch";
import { database } from "../db/client";
import {
  chunkItems,
  findJob,
  jobCounts,
  leadsCreatedByJob,
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
import { type JobOptions, JobOptionsSchema } from "./job-options";

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
  const results = await runChunks(env, [{ jobId, chunk }], now);
  return results.get(chunkKey(jobId, chunk)) ?? { kind: "done" };
}

/** One chunk of one job, as a queue message names it. */
export interface ChunkRef {
  jobId: string;
  chunk: number;
}

export const chunkKey = (jobId: string, chunk: number): string => `${jobId}#${chunk}`;

interface GroupJob {
  jobId: string;
  chunks: number[];
  items: RunItem[];
}

interface RunItem {
  jobId: string;
  idx: number;
  chunk: number;
  source: string;
  input: unknown;
}

/**
 * Imports the pending leads of several chunks as one run, so their clients, sites, users and
 * tickets share array POSTs of up to 100 records (a queue batch of ten chunks of a 2,400-lead
 * job costs about a quarter of the POSTs ten separate runs would). Chunks of different jobs
 * share the run too when their options agree: the three provider syncs of one cron tick, or an
 * Apollo and a ZoomInfo upload of the same people, then meet as duplicates inside one run and
 * become one create each, instead of a create and, a moment later, a merge that reads the
 * ticket back, updates it and notes it. Jobs whose options differ (dry run, no update…) run
 * separately. Each outcome is recorded on its own job's item, and each chunk gets its own
 * result — done, retry (some of *its* leads failed in a way a retry can change) or defer — so
 * its message is acked or retried on its own. A run cut short (throttled, crashed) leaves every
 * chunk to be delivered again: what was already written is on the rows (`write_pending`, saved
 * ids), so nothing is created twice.
 *
 * Results are keyed by `chunkKey(jobId, chunk)`.
 */
export async function runChunks(
  env: Env,
  refs: readonly ChunkRef[],
  now: Date,
): Promise<Map<string, ChunkResult>> {
  const db = database(env.DB);
  const results = new Map<string, ChunkResult>();
  const chunksByJob = new Map<string, number[]>();
  for (const r of refs) {
    const list = chunksByJob.get(r.jobId) ?? [];
    if (!list.includes(r.chunk)) list.push(r.chunk);
    chunksByJob.set(r.jobId, list);
  }
  // Jobs with work to do, grouped by options: only identical options can share one run.
  const groups = new Map<string, { options: JobOptions; jobs: GroupJob[] }>();
  for (const [jobId, chunks] of chunksByJob) {
    const job = await findJob(db, jobId);
    const items = job
      ? (await Promise.all(chunks.map((c) => chunkItems(db, jobId, c))))
          .flat()
          .filter((i) => i.status === "pending")
      : [];
    if (!job || items.length === 0) {
      if (job) await finish(env, jobId, now);
      for (const c of chunks) results.set(chunkKey(jobId, c), { kind: "done" });
      continue;
    }
    // Claimed for this run: the sweeper leaves the chunks alone while a consumer is on them.
    await markChunksDue(db, jobId, chunks, now.toISOString());
    if (job.status === "queued")
      await updateJob(db, jobId, { status: "running", updatedAt: now.toISOString() });
    const options = JobOptionsSchema.parse(job.options);
    const key = JSON.stringify(options);
    const group = groups.get(key) ?? { options, jobs: [] };
    group.jobs.push({
      jobId,
      chunks,
      items: items.map((it) => ({
        jobId,
        idx: it.idx,
        chunk: it.chunk,
        source: job.source,
        input: it.input,
      })),
    });
    groups.set(key, group);
  }
  for (const { options, jobs } of groups.values()) {
    for (const [key, result] of await runGroup(env, options, jobs, now)) results.set(key, result);
  }
  return results;
}

/** One run over the pending items of jobs sharing their options. */
async function runGroup(
  env: Env,
  options: JobOptions,
  jobs: GroupJob[],
  now: Date,
): Promise<Map<string, ChunkResult>> {
  const db = database(env.DB);
  const ctx = await importContext(env, {
    // The audit log names every job whose leads the run decided.
    actor: `job:${jobs.map((j) => j.jobId).join("+")}`,
    requestId: null,
    options,
    dryRun: false,
    maxWaitMs: CONSUMER_WAIT_MS,
    now,
  });
  // Item indexes are unique within a job only: the run numbers its items itself and maps each
  // outcome back to its job, item and chunk.
  const runItems = jobs.flatMap((j) => j.items);
  const outcomes = await importLeads(
    ctx,
    runItems.map((it, index) => ({ index, source: it.source, data: it.input })),
    // Another chunk creating a shared company is usually done within a few seconds: waiting
    // for it here is cheaper than a re-delivery.
    { waitForBusyMs: CONSUMER_WAIT_MS },
  );

  const results = new Map<string, ChunkResult>();
  for (const { jobId, chunks } of jobs) {
    const own = outcomes.flatMap((o) => {
      const it = runItems[o.index];
      return it?.jobId === jobId ? [{ ...o, index: it.idx, chunk: it.chunk }] : [];
    });
    const byIndex = new Map<number, ImportOutcome[]>();
    for (const { chunk: _, ...o } of own)
      byIndex.set(o.index, [...(byIndex.get(o.index) ?? []), o]);
    const failures = own.filter((o) => o.action === "failed");
    if (failures.length > 0) {
      await updateJob(db, jobId, { lastError: describe(failures[0] as ImportOutcome) });
    }
    // Leads HaloPSA kept failing for stay pending (with their last error) and their chunk goes
    // back to the queue with backoff; everything decided — HaloPSA's permanent refusals (a
    // status id the tenant does not know, …) included, with its words — is recorded now, so a
    // retry skips it rather than burning every queue retry into the dead-letter queue. After
    // the last retry the dead-letter consumer records the rest as failed; POST
    // /sync/jobs/{id}/retry replays them once the cause is fixed.
    await record(env, jobId, byIndex, now);

    let anyDone = false;
    for (const c of chunks) {
      const mine = own.filter((o) => o.chunk === c);
      let result: ChunkResult;
      if (mine.some((o) => o.action === "failed" && !isPermanent(o))) {
        result = { kind: "retry", reason: firstError(mine) };
      } else if (mine.some((o) => o.action === "deferred")) {
        // People another import is writing stay pending; the chunk comes back once it is done.
        result = { kind: "defer", delaySeconds: BUSY_REDELIVERY_S };
      } else {
        result = { kind: "done" };
        anyDone = true;
      }
      results.set(chunkKey(jobId, c), result);
    }
    if (anyDone) await finish(env, jobId, now);
  }
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
  const resumed = await createdEarlier(db, jobId, byIndex);
  for (const [idx, list] of byIndex) {
    const primary = primaryOf(list);
    if (!primary) continue;
    if (list.some((o) => o.action === "deferred")) continue;
    const failed = primary.action === "failed";
    if (failed && !isPermanent(primary)) {
      // Still pending (a retry follows), but the job shows why it is not done yet.
      statements.push(updateItemStatement(db, jobId, idx, { error: describe(primary) }));
      continue;
    }
    const action =
      primary.lead_id !== null && resumed.delete(primary.lead_id) ? "created" : primary.action;
    statements.push(
      updateItemStatement(db, jobId, idx, {
        status: failed ? "failed" : "done",
        action,
        leadId: primary.lead_id,
        result: list,
        error: failed || primary.action === "rejected" ? describe(primary) : null,
        updatedAt: at,
      }),
    );
  }
  await runBatch(db, statements);
}

/**
 * Leads this job created in an earlier run of these chunks that was cut short before recording
 * them: the resumed run finds them written and would report "preserved". Their first item is
 * recorded as "created" instead (the caller takes each lead out of the set as it uses it), so a
 * throttled import reports what it did.
 */
async function createdEarlier(
  db: ReturnType<typeof database>,
  jobId: string,
  byIndex: Map<number, ImportOutcome[]>,
): Promise<Set<string>> {
  const candidates: string[] = [];
  for (const list of byIndex.values()) {
    const o = primaryOf(list);
    if (o?.lead_id && RESUMABLE.has(o.action)) candidates.push(o.lead_id);
  }
  return candidates.length > 0 ? leadsCreatedByJob(db, jobId, candidates) : new Set();
}

/** The outcome an item is recorded by: its lead's, when one of its outcomes has one. */
function primaryOf(list: ImportOutcome[]): ImportOutcome | undefined {
  return list.find((o) => o.action !== "rejected" && o.action !== "failed") ?? list[0];
}

/** What a resumed run reports for a lead its earlier run already wrote. */
const RESUMABLE = new Set<string>(["preserved", "updated"]);

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
