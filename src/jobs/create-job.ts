import { database } from "../db/client";
import { insertJob } from "../db/jobs-repo";
import type { Issue, LeadSource } from "../domain/lead";
import { newId } from "../ids";
import type { ImportChunkMessage } from "./chunk-message";
import type { JobOptions } from "./job-options";

/**
 * Leads per queue message. One chunk is imported with one array POST per HaloPSA entity, and
 * HaloPSA handles arrays of this size comfortably; a chunk's inputs live in D1, so the message
 * itself stays tiny.
 */
export const CHUNK_SIZE = 100;

export interface NewImportJob {
  kind: "bulk" | "provider_sync" | "retry";
  source: LeadSource;
  records: unknown[];
  options: JobOptions;
  createdBy: string;
  /** Leads refused by up-front validation: recorded as rejected, never queued. */
  rejected?: Map<number, Issue[]>;
}

/** Stores the job and its leads, then enqueues one message per chunk. */
export async function createImportJob(
  env: Env,
  job: NewImportJob,
  now: Date = new Date(),
): Promise<{ id: string; chunks: number }> {
  const id = newId("job", now.getTime());
  const chunks = Math.ceil(job.records.length / CHUNK_SIZE);
  const at = now.toISOString();
  await insertJob(
    database(env.DB),
    {
      id,
      kind: job.kind,
      source: job.source,
      status: chunks === 0 ? "completed" : "queued",
      total: job.records.length,
      chunks,
      options: job.options,
      createdBy: job.createdBy,
      updatedAt: at,
      finishedAt: chunks === 0 ? at : null,
    },
    job.records.map((input, idx) => {
      const issues = job.rejected?.get(idx);
      return {
        idx,
        chunk: Math.floor(idx / CHUNK_SIZE),
        input,
        ...(issues ? { rejected: issues } : {}),
      };
    }),
  );
  await enqueueChunks(env, id, chunks);
  return { id, chunks };
}

/** One queue message per chunk of a stored job. */
export async function enqueueChunks(env: Env, jobId: string, chunks: number): Promise<void> {
  const messages: { body: ImportChunkMessage }[] = [];
  for (let c = 0; c < chunks; c++)
    messages.push({ body: { type: "import.chunk", job_id: jobId, chunk: c } });
  // sendBatch takes at most 100 messages per call.
  for (let i = 0; i < messages.length; i += 100)
    await env.JOBS.sendBatch(messages.slice(i, i + 100));
}
