import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { type Issue, LEAD_SOURCES } from "../domain/lead";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  conflictError,
  idempotencyReuseError,
  jsonBody,
  jsonResponse,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import type { AppEnv } from "../http/types";
import { createImportJob } from "../jobs/create-job";
import { importCsv } from "../jobs/csv-job";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import { DEFAULT_IMPORT_OPTIONS } from "../pipeline/options";
import { prepareRecord } from "../pipeline/prepare";
import { isLeadSource } from "../providers";
import { ImportOptionsSchema, SourceSchema } from "./lead-schemas";

export const MAX_BULK_LEADS = 10_000;
/** A bulk import carries up to 10,000 leads; native provider records can weigh a few KB each. */
export const MAX_BULK_BODY_BYTES = 48 * 1024 * 1024;

const BulkRequestSchema = z
  .object({
    source: SourceSchema,
    // Each lead is a JSON object (a provider's native record or the flat form); anything else
    // cannot even be stored for replay, so it is refused here rather than rejected later.
    leads: z
      .array(z.record(z.string(), z.unknown()))
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

const BulkQuerySchema = z.object({
  source: SourceSchema.optional().openapi({
    description: "Required with a `text/csv` body (a JSON body names its source itself)",
  }),
});

/** Plain OpenAPI (not zod): the JSON validator must never see a CSV body. */
const CSV_BODY_SCHEMA = {
  type: "string" as const,
  format: "binary",
  description:
    "A CSV file with a header row, read as a stream. Headers are matched case- and " +
    "spacing-insensitively: the flat field names (`first_name`, `email`, `company`, …) and the " +
    "columns of Apollo's people export, ZoomInfo's contact export and Hunter's domain-search " +
    "export are recognised; other columns are ignored. Every row becomes one lead; invalid rows " +
    "are recorded as rejected (as with `continue_on_error: true`).",
  example: "First Name,Last Name,Email,Company\nJane,Smith,jane.smith@company.com,Data Inc\n",
};

const CSV_TYPE = /^text\/csv\s*(;|$)/i;

/**
 * Answers `text/csv` uploads before the JSON validator runs (route middleware runs first); JSON
 * requests pass through to the handler.
 */
const csvUpload = createMiddleware<AppEnv>(async (c, next) => {
  if (!CSV_TYPE.test(c.req.header("Content-Type") ?? "")) return next();
  const source = c.req.query("source");
  if (!isLeadSource(source)) {
    throw new AppError("VALIDATION_ERROR", `A CSV upload needs ?source=${LEAD_SOURCES.join("|")}`, {
      details: { field: "source", value: source ?? null },
    });
  }
  const body = c.req.raw.body;
  if (!body) {
    throw new AppError("VALIDATION_ERROR", "The CSV body is empty", { details: { field: "body" } });
  }
  const job = await importCsv(c.env, {
    source,
    body,
    options: DEFAULT_IMPORT_OPTIONS,
    createdBy: c.var.principal.keyId,
    maxRows: MAX_BULK_LEADS,
    maxBytes: MAX_BULK_BODY_BYTES,
  });
  return c.json(accepted(job.id, job.total, job.chunks), 202);
});

/**
 * Adds the CSV media type to the documented body while the route's types stay those of the JSON
 * schema (a non-zod entry in `content` would widen the validated body to unknown).
 */
function withCsv<T extends { content: Record<string, unknown> }>(body: T): T {
  return { ...body, content: { ...body.content, "text/csv": { schema: CSV_BODY_SCHEMA } } };
}

function accepted(id: string, total: number, chunks: number) {
  return { job_id: id, status: "queued", status_url: `/api/v1/sync/jobs/${id}`, total, chunks };
}

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
      "for `POST /sync/jobs/{id}/retry`. A `text/csv` body (with `?source=`) is streamed " +
      "row by row into the job instead; an unreadable file, a header with no email, name or " +
      "phone column, or a file with no rows is refused with 400 and nothing is kept.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency, csvUpload] as const,
    request: { query: BulkQuerySchema, body: withCsv(jsonBody(BulkRequestSchema)) },
    responses: {
      202: jsonResponse(AcceptedSchema, "Accepted; poll status_url"),
      ...bodyErrors,
      ...authErrors,
      ...conflictError,
      ...idempotencyReuseError,
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
    return c.json(accepted(job.id, body.leads.length, job.chunks), 202);
  },
);
