import { createRoute, z } from "@hono/zod-openapi";
import type { Issue } from "../domain/lead";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  conflictError,
  jsonBody,
  jsonResponse,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { createImportJob } from "../jobs/create-job";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import { prepareRecord } from "../pipeline/prepare";
import { ImportOptionsSchema, SourceSchema } from "./lead-schemas";

export const MAX_BULK_LEADS = 10_000;

const BulkRequestSchema = z
  .object({
    source: SourceSchema,
    leads: z
      .array(z.unknown())
      .min(1)
      .openapi({
        description: `Up to ${MAX_BULK_LEADS} records (native provider records or the flat form); more is refused with 413`,
      }),
    options: ImportOptionsSchema.prefault({}),
    batch_options: z
      .object({
        batch_size: z.number().int().min(1).max(1000).optional().openapi({
          description:
            "Accepted for compatibility; LeadBridge sizes its own chunks to HaloPSA's limits",
        }),
        rate_limit: z.number().int().min(1).optional().openapi({
          description:
            "Accepted for compatibility; HaloGate paces every call to the tenant's limit",
        }),
        continue_on_error: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .openapi("BulkImportRequest");

const AcceptedSchema = z
  .object({
    job_id: z.string(),
    status: z.string(),
    status_url: z.string(),
    total: z.number().int(),
    chunks: z.number().int(),
  })
  .openapi("BulkImportAccepted");

export const bulkRoutes = newRouter();

bulkRoutes.openapi(
  createRoute({
    method: "post",
    path: "/leads/bulk",
    tags: ["Sync"],
    summary: "Import up to 10,000 leads in the background",
    description:
      "Validates every lead up front, then answers 202 with a job id; the jobs queue imports the " +
      "leads in chunks with one array POST per HaloPSA entity per chunk. With " +
      "`continue_on_error: false` any invalid lead refuses the whole request (400, every " +
      "failing index listed); with `true` invalid leads are recorded as rejected and the rest " +
      "imported. Leads HaloPSA fails to take are retried with backoff, then parked as failed " +
      "for `POST /sync/jobs/{id}/retry`.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { body: jsonBody(BulkRequestSchema) },
    responses: {
      202: jsonResponse(AcceptedSchema, "Accepted; poll status_url"),
      ...bodyErrors,
      ...authErrors,
      ...conflictError,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    if (body.leads.length > MAX_BULK_LEADS) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `A bulk import takes at most ${MAX_BULK_LEADS} leads; this one has ${body.leads.length}. Split it into several requests.`,
        { details: { field: "leads", max_items: MAX_BULK_LEADS, received: body.leads.length } },
      );
    }
    // Every lead is validated before anything is queued: a bad record is reported by index now,
    // not discovered halfway through the import.
    const now = new Date();
    const rejected = new Map<number, Issue[]>();
    body.leads.forEach((lead, i) => {
      const problems = prepareRecord(body.source, lead, now).flatMap((p) => (p.ok ? [] : p.issues));
      if (problems.length > 0) rejected.set(i, problems);
    });
    if (!body.batch_options.continue_on_error) {
      const issues = [...rejected].flatMap(([i, list]) =>
        list.map((issue) => ({ ...issue, field: `leads.${i}.${issue.field}` })),
      );
      const first = issues[0];
      if (first) {
        throw new AppError("VALIDATION_ERROR", `Invalid lead: ${first.field}: ${first.message}`, {
          details: {
            field: first.field,
            issues: issues.slice(0, 1000),
            invalid_count: issues.length,
          },
        });
      }
    }
    const job = await createImportJob(c.env, {
      kind: "bulk",
      source: body.source,
      records: body.leads,
      options: { ...body.options, continue_on_error: body.batch_options.continue_on_error },
      createdBy: c.var.principal.keyId,
      rejected,
    });
    return c.json(
      {
        job_id: job.id,
        status: "queued",
        status_url: `/api/v1/sync/jobs/${job.id}`,
        total: body.leads.length,
        chunks: job.chunks,
      },
      202,
    );
  },
);
