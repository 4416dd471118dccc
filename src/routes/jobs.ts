import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { database } from "../db/client";
import {
  findJob,
  type JobRow,
  jobCounts,
  jobItemsByStatus,
  listJobs,
  updateJob,
} from "../db/jobs-repo";
import { jobItems } from "../db/schema";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  jsonResponse,
  notFoundError,
} from "../http/openapi-common";
import { PageQuerySchema, PaginationSchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import type { JobMessage } from "../jobs/messages";
import { requireScope } from "../middleware/auth";

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
    failed: z.number().int(),
    by_action: z.record(z.string(), z.number().int()),
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
    }),
  ),
  errors: z.array(z.object({ index: z.number().int(), error: z.string() })),
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
    // Rejected leads are decided, but not successes: the seed counts them as failed.
    successful: counts.succeeded - rejected,
    failed: counts.failed + rejected,
    by_action: counts.byAction,
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
    const decided = (await jobItemsByStatus(db, id)).filter((i) => i.status !== "pending");
    return c.json(
      {
        ...s,
        total_processed: s.processed,
        results: decided.map((i) => ({
          index: i.idx,
          success: i.status === "done" && i.action !== "rejected",
          action: i.action ?? "failed",
          lead_id: i.leadId,
        })),
        errors: decided
          .filter((i) => i.status === "failed" || i.action === "rejected")
          .map((i) => ({ index: i.idx, error: i.error ?? i.action ?? "failed" })),
      },
      200,
    );
  },
);

jobsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/jobs/{id}/retry",
    tags: ["Jobs"],
    summary: "Replay a job's failed leads",
    description:
      "Failed leads go back to pending and their chunks are queued again. Leads already " +
      "written are not touched; rejected leads stay rejected (fix the input and import again).",
    security: bearerSecurity,
    middleware: [requireScope("write")] as const,
    request: { params: JobIdParam },
    responses: {
      202: jsonResponse(z.object({ job_id: z.string(), replayed: z.number().int() }), "Queued"),
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
    const failed = await jobItemsByStatus(db, id, "failed");
    if (failed.length > 0) {
      const now = new Date().toISOString();
      await db
        .update(jobItems)
        .set({ status: "pending", action: null, error: null, updatedAt: now })
        .where(and(eq(jobItems.jobId, id), eq(jobItems.status, "failed")));
      await updateJob(db, id, { status: "queued", finishedAt: null, updatedAt: now });
      const chunks = [...new Set(failed.map((i) => i.chunk))];
      const messages = chunks.map((chunk) => ({
        body: { type: "import.chunk", job_id: id, chunk } satisfies JobMessage,
      }));
      for (let i = 0; i < messages.length; i += 100) {
        await c.env.JOBS.sendBatch(messages.slice(i, i + 100));
      }
    }
    return c.json({ job_id: id, replayed: failed.length }, 202);
  },
);

function notFound(id: string): AppError {
  return new AppError("RESOURCE_NOT_FOUND", "No job with this id", {
    details: { field: "id", value: id },
  });
}
