import { database } from "../db/client";
import { markChunksDue } from "../db/jobs-repo";
import type { ImportChunkMessage } from "./chunk-message";

/** Queues' sendBatch takes at most 100 messages per call. */
const SEND_BATCH_MAX = 100;

/**
 * Sends one `import.chunk` message per chunk: the only way a chunk gets (re)queued, used by job
 * creation, `POST /sync/jobs/{id}/retry` and the stalled-chunk sweeper. The chunks' pending
 * leads are stamped `due_at` first, so the sweeper does not send them again while these
 * messages are still in the queue; a send that fails after the stamp is picked up by the
 * sweeper once the stall threshold has passed. Sending a chunk twice is harmless: the runner
 * skips leads already decided.
 */
export async function enqueueChunks(
  env: Env,
  jobId: string,
  chunks: readonly number[],
  now: Date,
  options: { stamp?: boolean; delaySeconds?: number } = {},
): Promise<number> {
  const unique = [...new Set(chunks)].sort((a, b) => a - b);
  if (unique.length === 0) return 0;
  const delaySeconds = options.delaySeconds ?? 0;
  if (options.stamp !== false) {
    const due = new Date(now.getTime() + delaySeconds * 1000).toISOString();
    await markChunksDue(database(env.DB), jobId, unique, due);
  }
  const messages = unique.map((chunk) => ({
    body: { type: "import.chunk", job_id: jobId, chunk } satisfies ImportChunkMessage,
    ...(delaySeconds > 0 ? { delaySeconds } : {}),
  }));
  for (let i = 0; i < messages.length; i += SEND_BATCH_MAX)
    await env.JOBS.sendBatch(messages.slice(i, i + SEND_BATCH_MAX));
  return unique.length;
}
