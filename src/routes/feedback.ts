import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { type FeedbackRow, listFeedback } from "../db/feedback-repo";
import { authErrors, bearerSecurity, bodyErrors } from "../http/openapi-common";
import { PageQuerySchema, PaginationSchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";

const PROVIDER = z.enum(["apollo", "zoominfo", "hunter"]);
const KIND = z.enum(["contact_correction", "outcome", "opt_out"]);

const FeedbackSchema = z
  .object({
    id: z.string(),
    provider: PROVIDER,
    kind: KIND.openapi({
      description:
        "contact_correction: a person field edited by hand in HaloPSA differs from what the " +
        "provider sent; outcome: the lead's HaloPSA status moved; opt_out: a Do-Not-Contact " +
        "entry the provider has no API to take",
    }),
    lead_id: z.string().nullable(),
    email: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .openapi("ProviderFeedback");

const toApi = (r: FeedbackRow): z.infer<typeof FeedbackSchema> => ({
  id: r.id,
  provider: r.provider as z.infer<typeof PROVIDER>,
  kind: r.kind as z.infer<typeof KIND>,
  lead_id: r.leadId,
  email: r.email,
  detail: r.detail,
  created_at: r.createdAt,
});

const CSV_COLUMNS = ["id", "provider", "kind", "lead_id", "email", "detail", "created_at"] as const;

/** RFC 4180: quote every field, double the quotes; a leading formula character is neutralised. */
function csvField(value: string | null): string {
  const v = value ?? "";
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replaceAll('"', '""')}"`;
}

function toCsv(rows: z.infer<typeof FeedbackSchema>[]): string {
  const lines = rows.map((r) =>
    CSV_COLUMNS.map((c) => csvField(c === "detail" ? JSON.stringify(r.detail) : r[c])).join(","),
  );
  return `${[CSV_COLUMNS.join(","), ...lines].join("\r\n")}\r\n`;
}

export const feedbackRoutes = newRouter();

feedbackRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Feedback"],
    summary: "Feedback for providers that no provider API accepts",
    description:
      "The seed's bi-directional feedback (contact corrections, outcomes, opt-outs) has no " +
      "provider API to go to, so LeadBridge records it per provider for an operator to hand " +
      "over. JSON by default; CSV with `Accept: text/csv` or `format=csv` (the next page's " +
      "cursor is then in the `X-Next-Cursor` header). Newest first.",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: {
      query: PageQuerySchema.extend({
        provider: PROVIDER.optional(),
        kind: KIND.optional(),
        format: z.enum(["json", "csv"]).optional(),
      }),
    },
    responses: {
      200: {
        description: "One page of feedback",
        headers: {
          "X-Next-Cursor": {
            description: "CSV only: the cursor of the next page, absent on the last one",
            schema: { type: "string" },
          },
        },
        content: {
          "application/json": {
            schema: z.object({ feedback: z.array(FeedbackSchema), pagination: PaginationSchema }),
          },
          "text/csv": { schema: z.string() },
        },
      },
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listFeedback(database(c.env.DB), {
      ...(q.provider ? { provider: q.provider } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      limit: q.limit + 1,
    });
    const { items, pagination } = page(rows, q.limit);
    const feedback = items.map(toApi);
    const wantsCsv =
      q.format === "csv" ||
      (q.format === undefined && (c.req.header("Accept") ?? "").includes("text/csv"));
    if (wantsCsv) {
      const headers: Record<string, string> = { "Content-Type": "text/csv; charset=utf-8" };
      if (pagination.next_cursor) headers["X-Next-Cursor"] = pagination.next_cursor;
      return c.body(toCsv(feedback), 200, headers);
    }
    return c.json({ feedback, pagination }, 200);
  },
);
