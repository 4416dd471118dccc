import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { stalledChunks } from "../db/jobs-repo";
import { enqueueChunks } from "./enqueue";

/** Chunks re-sent per sweep at most; a larger backlog is taken over the next ticks. */
const MAX_CHUNKS_PER_SWEEP = 500;

interface SweepSummary {
  jobs: number;
  chunks: number;
  leads: number;
}

/**
 * Re-enqueues the chunks of bulk jobs that stopped making progress: a Worker killed mid-chunk,
 * a message lost with a dead consumer, a send that failed after the leads were stored. A chunk
 * qualifies when its pending leads and its job have not moved for `jobs.stall_seconds` and no
 * delivery of it is due (`due_at`, stamped by every send, re-send, retry and run). Re-sending
 * stamps `due_at` again, so the next sweep leaves it alone while the queue holds it; a message
 * that does arrive twice only runs the leads still pending.
 */
export async function sweepStalledJobs(env: Env, now: Date): Promise<SweepSummary> {
  const db = database(env.DB);
  const { config } = await loadConfig(db);
  const cutoff = new Date(now.getTime() - config.jobs.stall_seconds * 1000).toISOString();
  const stalled = await stalledChunks(db, cutoff, MAX_CHUNKS_PER_SWEEP);
  const byJob = new Map<string, number[]>();
  for (const s of stalled) byJob.set(s.jobId, [...(byJob.get(s.jobId) ?? []), s.chunk]);
  for (const [jobId, chunks] of byJob) await enqueueChunks(env, jobId, chunks, now);
  const summary = {
    jobs: byJob.size,
    chunks: stalled.length,
    leads: stalled.reduce((n, s) => n + s.pending, 0),
  };
  if (summary.chunks > 0)
    console.log(JSON.stringify({ level: "warn", source: "sweeper", resumed: summary }));
  return summary;
}
