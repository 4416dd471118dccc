import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import {
  findJob,
  type JobRow,
  jobCounts,
  jobItemsByStatus,
  listJobs,
  retryJob,
} from "../db/jobs-repo";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  conflictError,
  ErrorEnvelopeSchema,
  jsonResponse,
  notFoundError,
} from "../http/openapi-common";
import { PageQuerySchema, PaginationSchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import { enqueueChunks } from "../jobs/enqueue";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";

const JobSummarySchema = z
  .object({
    job_id: z.string(),
    kind: z.string(),
    source: z.string(),
    status: z.enum(["queued", "running", "completed", "completed_with_errors"]),
    total: z.number().int(),
    processed: z.number().int(),
    pending: z.number().int(),
    successful: z.number().int(),
    failed: z.number().int().openapi({
      description: "Leads HaloPSA did not take (replayable with POST /sync/jobs/{id}/retry)",
    }),
    rejected: z.number().int().openapi({
      description: "Leads refused for their input (fix the record and import it again)",
    }),
    by_action: z.record(z.string(), z.number().int()),
    last_error: z.string().nullable().openapi({
      description: "The latest reason leads of this job could not be written",
    }),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("JobSummary");

const JobDetailSchema = JobSummarySchema.extend({
  total_processed: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      success: z.boolean(),
      action: z.string(),
      lead_id: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
  errors: z.array(
    z.object({
      index: z.number().int(),
      error: z.string(),
      kind: z.enum(["rejected", "failed", "retrying"]).openapi({
        description: "`retrying`: the lead is still pending and its last attempt failed",
      }),
    }),
  ),
}).openapi("JobDetail");

const JobIdParam = z.object({ id: z.string().regex(/^job_[0-9a-z]{26}$/) });

async function summary(db: ReturnType<typeof database>, job: JobRow) {
  const counts = await jobCounts(db, job.id);
  const rejected = counts.byAction.rejected ?? 0;
  return {
    job_id: job.id,
    kind: job.kind,
    source: job.source,
    status: job.status as z.infer<typeof JobSummarySchema>["status"],
    total: job.total,
    processed: job.total - counts.pending,
    pending: counts.pending,
    // Rejected leads are decided, but not successes. The seed's single `failed` is split:
    // failed (HaloPSA did not take them, replayable) and rejected (their input was refused).
    successful: counts.succeeded - rejected,
    failed: counts.failed,
    rejected,
    by_action: counts.byAction,
    last_error: job.lastError,
    created_at: job.createdAt,
    finished_at: job.finishedAt,
  };
}

export const jobsRoutes = newRouter();

jobsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/jobs",
    tags: ["Jobs"],
    summary: "Recent import jobs",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { query: PageQuerySchema },
    responses: {
      200: jsonResponse(
        z.object({ jobs: z.array(JobSummarySchema), pagination: PaginationSchema }),
        "Newest first",
      ),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const db = database(c.env.DB);
    const rows = await listJobs(db, q.limit + 1, q.cursor);
    const { items, pagination } = page(rows, q.limit);
    return c.json({ jobs: await Promise.all(items.map((j) => summary(db, j))), pagination }, 200);
  },
);

jobsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/jobs/{id}",
    tags: ["Jobs"],
    summary: "A job's progress, and per-lead results",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { params: JobIdParam },
    responses: {
      200: jsonResponse(
        JobDetailSchema,
        "Progress while running; every lead's outcome once decided",
      ),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const job = await findJob(db, id);
    if (!job) throw notFound(id);
    const s = await summary(db, job);
    const items = await jobItemsByStatus(db, id);
    const decided = items.filter((i) => i.status !== "pending");
    return c.json(
      {
        ...s,
        total_processed: s.processed,
        results: decided.map((i) => ({
          index: i.idx,
          success: i.status === "done" && i.action !== "rejected",
          action: i.action ?? "failed",
          lead_id: i.leadId,
          reason: i.status === "failed" || i.action === "rejected" ? i.error : null,
        })),
        errors: items
          .filter((i) => i.status === "failed" || i.action === "rejected" || i.error !== null)
          .filter((i) => i.status !== "done" || i.action === "rejected")
          .map((i) => ({
            index: i.idx,
            error: i.error ?? i.action ?? "failed",
            kind:
              i.status === "pending"
                ? ("retrying" as const)
                : i.action === "rejected"
                  ? ("rejected" as const)
                  : ("failed" as const),
          })),
      },
      200,
    );
  },
);

const idempotencyReusedError = jsonResponse(
  ErrorEnvelopeSchema,
  "IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used with another body",
);

const RetrySchema = z
  .object({
    job_id: z.string(),
    replayed: z.number().int().openapi({ description: "Failed leads put back to pending" }),
    resumed: z.number().int().openapi({
      description: "Leads that were still pending (a stranded job) and whose chunks were re-sent",
    }),
    chunks: z.number().int().openapi({ description: "Chunk messages queued" }),
  })
  .openapi("JobRetry");

jobsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/jobs/{id}/retry",
    tags: ["Jobs"],
    summary: "Replay a job's failed leads and resume its pending ones",
    description:
      "Failed leads go back to pending, and every chunk with pending leads (replayed, or left " +
      "pending by a consumer that died) is queued again. Leads already written are not " +
      "touched; rejected leads stay rejected (fix the input and import again). A chunk sent " +
      "while another delivery of it runs only imports what is still pending. The stalled-job " +
      "sweeper does the resuming part by itself after `jobs.stall_seconds`.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { params: JobIdParam },
    responses: {
      202: jsonResponse(RetrySchema, "Queued"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
      ...conflictError,
      422: idempotencyReusedError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const job = await findJob(db, id);
    if (!job) throw notFound(id);
    const now = new Date();
    // The reset, the job's status and the `job.retried` entry commit together; the chunks are
    // queued after. A Worker that dies in between loses nothing: the reset leads are pending
    // with `updated_at` = now, and the stalled-job sweeper (src/jobs/sweeper.ts, the cron every
    // minute) re-enqueues any chunk whose pending leads and job have not moved for
    // `jobs.stall_seconds` and that has no delivery due.
    const retry = await retryJob(
      db,
      id,
      {
        actor: c.var.principal.keyId,
        action: "job.retried",
        entity: "job",
        entityId: id,
        requestId: c.var.requestId,
      },
      now,
    );
    if (retry.chunks.length > 0) await enqueueChunks(c.env, id, retry.chunks, now);
    const { replayed, resumed, chunks } = retry;
    return c.json({ job_id: id, replayed, resumed, chunks: chunks.length }, 202);
  },
);

function notFound(id: string): AppError {
  return new AppError("RESOURCE_NOT_FOUND", "No job with this id", {
    details: { field: "id", value: id },
  });
}
