import { runBatch } from "../db/batch";
import { database } from "../db/client";
import { recordError } from "../db/error-log-repo";
import { failRun } from "../db/halo-index-runs-repo";
import { chunkItems, markChunksDue, updateItemStatement, updateJob } from "../db/jobs-repo";
import { kickDncPropagation } from "../dnc/kick";
import { runDncPropagation } from "../dnc/propagate";
import { HaloThrottledError } from "../halo/errors";
import { processHaloWebhook } from "../halo-inbound/process";
import { runIndexPage } from "../halo-index/run-page";
import { handleDeliveries } from "../webhooks/deliver";
import { DELIVERIES_DLQ, DELIVERIES_QUEUE, kickOutboxAfterChunks } from "../webhooks/dispatch";
import { chunkKey, finish, runChunks } from "./chunk-runner";
import { enqueueChunks } from "./enqueue";
import { JobMessage } from "./messages";

export const JOBS_QUEUE = "leadbridge-jobs";
/**
 * DNC pushes, HaloPSA's webhooks and index pages. They used to share the jobs queue, where a
 * burst of them (one DNC message per suppression added) filled a batch and flushed it early, so
 * jobs submitted together were imported apart and paid for merges (issue 14). Its dead messages
 * go to the jobs dead-letter queue, whose consumer knows every message type.
 */
export const CONTROL_QUEUE = "leadbridge-control";
export const JOBS_DLQ = "leadbridge-jobs-dlq";

/** Capped exponential backoff for failures: 10 s, 20 s, 40 s … at most 5 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(300, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The jobs and control queues' consumer (either takes any message type, so messages sent before
 * a deploy moved a type are still handled). A batch's chunks are imported as one run, across jobs whose options
 * agree; each message is still acked or retried on its own. A full HaloPSA window
 * is not a failure: the message is re-sent with the delay HaloGate asked for (a fresh message,
 * so waiting never uses up the retry budget). Real failures retry with capped backoff; after
 * the last retry Queues moves the message to the dead-letter queue.
 */
export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: Env,
  ctx?: ExecutionContext,
): Promise<void> {
  if (batch.queue === DELIVERIES_QUEUE || batch.queue === DELIVERIES_DLQ) {
    return handleDeliveries(batch, env);
  }
  if (batch.queue === JOBS_DLQ) return handleDeadLetters(batch, env);
  if (batch.queue !== JOBS_QUEUE && batch.queue !== CONTROL_QUEUE) {
    // Not a queue this Worker knows: leave the messages for a consumer that does.
    batch.retryAll({ delaySeconds: 300 });
    return;
  }
  await handleJobs(batch, env);
  // The chunks' events (lead.*, job.completed) are committed: send them on without holding
  // the batch, once the import is done (the cron sweep catches whatever this misses).
  if (ctx) ctx.waitUntil(kickOutboxAfterChunks(env));
  else await kickOutboxAfterChunks(env);
  // Suppressions this batch created (provider opt-outs, HaloPSA's DNC) are pushed on; a batch
  // that ran the pushes already re-sent what it left (the minute cron catches the rest).
  const ranDnc = batch.messages.some(
    (m) => (m.body as { type?: unknown } | null)?.type === "dnc.propagate",
  );
  if (!ranDnc) await kickDncPropagation(env).catch(() => undefined);
}

async function handleJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  // The batch's chunks are imported as one run (shared array POSTs; jobs whose options differ
  // run apart inside it); each message is still acked or retried on its own.
  const chunkMessages: ChunkMessage[] = [];
  for (const message of batch.messages) {
    const parsed = JobMessage.safeParse(message.body);
    if (!parsed.success) {
      await logError(env, "INVALID_MESSAGE", parsed.error.message.slice(0, 500), message.body);
      message.ack(); // A malformed message can never succeed; retrying it would only loop.
      continue;
    }
    const body = parsed.data;
    if (body.type === "import.chunk") {
      chunkMessages.push({ message, jobId: body.job_id, chunk: body.chunk });
      continue;
    }
    try {
      if (body.type === "halo.index") await runIndexPage(env, body, new Date());
      if (body.type === "halo.webhook") await processHaloWebhook(env, body, new Date());
      if (body.type === "dnc.propagate") {
        const run = await runDncPropagation(env, new Date());
        if (run.retryAfterMs !== null) {
          await env.CONTROL.send(body, {
            delaySeconds: Math.max(1, Math.ceil(run.retryAfterMs / 1000)),
          });
        } else if (run.more) {
          await env.CONTROL.send(body);
        }
      }
      message.ack();
    } catch (err) {
      if (err instanceof HaloThrottledError) {
        await env.CONTROL.send(body, { delaySeconds: throttleDelay(err) });
        message.ack();
        continue;
      }
      await logError(env, "JOB_MESSAGE_FAILED", errorText(err), body);
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
  if (chunkMessages.length > 0) await handleChunks(env, chunkMessages);
}

interface ChunkMessage {
  message: Message<unknown>;
  jobId: string;
  chunk: number;
}

/** The batch's chunk messages, imported together. */
async function handleChunks(env: Env, list: ChunkMessage[]): Promise<void> {
  try {
    const results = await runChunks(env, list, new Date());
    const deferred = new Map<string, number[]>();
    let deferSeconds = 0;
    for (const { message, jobId, chunk } of list) {
      const result = results.get(chunkKey(jobId, chunk)) ?? { kind: "done" };
      if (result.kind === "retry") {
        await logError(env, "CHUNK_FAILED", result.reason, message.body);
        await retryChunk(env, message, jobId, chunk);
        continue;
      }
      // Another import holds some of these people: a fresh message, like a throttle, so
      // waiting for it never uses up the retry budget.
      if (result.kind === "defer") {
        deferred.set(jobId, [...(deferred.get(jobId) ?? []), chunk]);
        deferSeconds = Math.max(deferSeconds, result.delaySeconds);
      } else message.ack();
    }
    for (const [jobId, chunks] of deferred)
      await enqueueChunks(env, jobId, chunks, new Date(), { delaySeconds: deferSeconds });
    for (const { message, jobId, chunk } of list)
      if (deferred.get(jobId)?.includes(chunk)) message.ack();
  } catch (err) {
    if (err instanceof HaloThrottledError) {
      // The whole run waits for the window; what it wrote is on the rows, so the chunks resume.
      for (const [jobId, chunks] of byJob(list))
        await enqueueChunks(env, jobId, chunks, new Date(), { delaySeconds: throttleDelay(err) });
      for (const { message } of list) message.ack();
      return;
    }
    for (const [jobId, chunks] of byJob(list))
      await logError(env, "JOB_MESSAGE_FAILED", errorText(err), { job_id: jobId, chunks });
    for (const { message, jobId, chunk } of list) await retryChunk(env, message, jobId, chunk);
  }
}

function byJob(list: readonly ChunkMessage[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { jobId, chunk } of list) out.set(jobId, [...(out.get(jobId) ?? []), chunk]);
  return out;
}

function throttleDelay(err: HaloThrottledError): number {
  return Math.max(1, Math.ceil(err.retryAfterMs / 1000));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Retries a chunk's message with backoff, telling the sweeper when it is due again. */
async function retryChunk(
  env: Env,
  message: Message<unknown>,
  jobId: string,
  chunk: number,
): Promise<void> {
  const delaySeconds = backoffSeconds(message.attempts);
  const due = new Date(Date.now() + delaySeconds * 1000).toISOString();
  await markChunksDue(database(env.DB), jobId, [chunk], due).catch(() => undefined);
  message.retry({ delaySeconds });
}

/**
 * Messages that exhausted their retries: every lead still pending in the chunk is recorded as
 * failed with the reason, so the job's totals stay exact and the leads can be replayed.
 */
async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = database(env.DB);
  for (const message of batch.messages) {
    const parsed = JobMessage.safeParse(message.body);
    if (parsed.success && parsed.data.type === "import.chunk") {
      const { job_id, chunk } = parsed.data;
      const now = new Date();
      const pending = (await chunkItems(db, job_id, chunk)).filter((i) => i.status === "pending");
      // The leads' last HaloPSA error (kept while they were pending) says more than "exhausted".
      const reason = pending.find((i) => i.error)?.error;
      await runBatch(
        db,
        pending.map((i) =>
          updateItemStatement(db, job_id, i.idx, {
            status: "failed",
            action: "failed",
            error: `retries exhausted: ${i.error ?? "HaloPSA kept failing"}; replay with POST /sync/jobs/{id}/retry`,
            updatedAt: now.toISOString(),
          }),
        ),
      );
      if (pending.length > 0)
        await updateJob(db, job_id, {
          lastError: `retries exhausted: ${reason ?? "HaloPSA kept failing"}`,
        });
      await finish(env, job_id, now);
    }
    if (parsed.success && parsed.data.type === "halo.index") {
      // The run cannot go on without this page; say so rather than leave it "running".
      const at = new Date().toISOString();
      await failRun(database(env.DB), parsed.data.run_id, "a page exhausted its retries", at);
    }
    await logError(env, "DEAD_LETTER", "a job message exhausted its retries", message.body);
    message.ack();
  }
}

async function logError(env: Env, code: string, message: string, detail: unknown): Promise<void> {
  await recordError(database(env.DB), {
    level: "error",
    code,
    message,
    source: "queue",
    detail,
  }).catch(() => undefined);
}
