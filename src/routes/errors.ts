import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { type ErrorRow, listErrors } from "../db/error-log-repo";
import { ERROR_LEVELS } from "../db/schema";
import { AppError } from "../errors";
import { authErrors, bearerSecurity, bodyErrors, jsonResponse } from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";

const ErrorLogEntrySchema = z
  .object({
    id: z.string().openapi({ example: "err_123" }),
    timestamp: z.string().openapi({ example: "2024-01-25T09:30:00.000Z" }),
    level: z.enum(ERROR_LEVELS),
    message: z.string(),
    source: z
      .string()
      .nullable()
      .openapi({
        description:
          "Where it happened: `POST /api/v1/…` (a request), `queue`, `webhooks`, " +
          "`provider-sync:<provider>:<search>`",
        example: "provider-sync:apollo:default",
      }),
    details: z
      .object({
        lead_id: z.string().nullable(),
        error_code: z.string().openapi({ example: "EXTERNAL_API_ERROR" }),
        request_id: z.string().nullable(),
        context: z.unknown().openapi({ description: "What the writer recorded with the entry" }),
      })
      .openapi({ description: "lead_id is set when the entry concerns one lead" }),
  })
  .openapi("ErrorLogEntry");

const ErrorListSchema = z
  .object({
    errors: z.array(ErrorLogEntrySchema),
    pagination: z.object({
      total: z.number().int().openapi({ description: "Entries matching the filters" }),
      page: z.number().int(),
      limit: z.number().int(),
    }),
  })
  .openapi("ErrorList");

const DATE_OR_DATETIME =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `2024-01-25` is that day's start in UTC; a date-time without an offset is UTC too. */
function startOf(value: string): string {
  const withZone = /T.*(Z|[+-]\d{2}:\d{2})$/.test(value)
    ? value
    : value.includes("T")
      ? `${value}Z`
      : `${value}T00:00:00Z`;
  const at = new Date(withZone);
  if (Number.isNaN(at.getTime())) {
    throw new AppError("VALIDATION_ERROR", "start_date is not a real date", {
      details: { field: "start_date", value },
    });
  }
  return at.toISOString();
}

function leadIdOf(detail: unknown): string | null {
  if (detail && typeof detail === "object" && "lead_id" in detail) {
    const id = (detail as { lead_id: unknown }).lead_id;
    return typeof id === "string" ? id : null;
  }
  return null;
}

const toApi = (row: ErrorRow): z.infer<typeof ErrorLogEntrySchema> => ({
  id: `err_${row.id}`,
  timestamp: row.at,
  level: row.level,
  message: row.message,
  source: row.source,
  details: {
    lead_id: leadIdOf(row.detail),
    error_code: row.code,
    request_id: row.requestId,
    context: row.detail ?? null,
  },
});

export const errorsRoutes = newRouter();

errorsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Errors"],
    summary: "Recent entries of the error log, newest first",
    description:
      "Everything the service logged for operators: unexpected failures of requests (5xx), " +
      "queue chunks that exhausted their retries, webhook delivery problems, provider sync " +
      "failures and pauses. Admin scope: entries carry internal messages that ordinary " +
      "answers never show.",
    security: bearerSecurity,
    middleware: [requireScope("admin")] as const,
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        page: z.coerce.number().int().min(1).max(100_000).default(1),
        level: z.enum(ERROR_LEVELS).optional(),
        start_date: z.string().regex(DATE_OR_DATETIME).optional().openapi({
          description: "Entries at or after this date (UTC) or date-time",
          example: "2024-01-25",
        }),
      }),
    },
    responses: {
      200: jsonResponse(ErrorListSchema, "A page of the error log"),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const { rows, total } = await listErrors(
      database(c.env.DB),
      {
        ...(q.level ? { level: q.level } : {}),
        ...(q.start_date ? { since: startOf(q.start_date) } : {}),
      },
      { limit: q.limit, offset: (q.page - 1) * q.limit },
    );
    return c.json(
      { errors: rows.map(toApi), pagination: { total, page: q.page, limit: q.limit } },
      200,
    );
  },
);
