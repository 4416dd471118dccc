import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { findLead, type LeadRow, listLeads } from "../db/leads-repo";
import { LEAD_SOURCES } from "../domain/lead";
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
import { requireScope } from "../middleware/auth";

export const LeadSchema = z
  .object({
    id: z.string(),
    stage: z.string(),
    status: z.string(),
    email: z.string().nullable(),
    full_name: z.string().nullable(),
    company_name: z.string().nullable(),
    quality_score: z.number(),
    source: z.enum(LEAD_SOURCES),
    sources: z.array(z.string()),
    lists: z.array(z.string()),
    dedup_key: z.string(),
    halopsa: z.object({
      client_id: z.number().nullable(),
      site_id: z.number().nullable(),
      user_id: z.number().nullable(),
      ticket_id: z.number().nullable(),
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Lead");

const LeadDetailSchema = LeadSchema.extend({
  record: z.record(z.string(), z.unknown()).openapi({
    description: "The canonical lead, every provider's record merged by precedence",
  }),
  written: z.record(z.string(), z.unknown()).openapi({
    description: "What LeadBridge last wrote per HaloPSA field (edits made since are kept)",
  }),
}).openapi("LeadDetail");

export function toLead(row: LeadRow): z.infer<typeof LeadSchema> {
  return {
    id: row.id,
    stage: row.stage,
    status: row.status,
    email: row.email,
    full_name: row.fullName,
    company_name: row.companyName,
    quality_score: row.qualityScore,
    source: row.source as z.infer<typeof LeadSchema>["source"],
    sources: row.sources,
    lists: row.lists,
    dedup_key: row.dedupKey,
    halopsa: {
      client_id: row.haloClientId,
      site_id: row.haloSiteId,
      user_id: row.haloUserId,
      ticket_id: row.haloTicketId,
    },
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export const LeadListQuerySchema = PageQuerySchema.extend({
  status: z.string().max(64).optional(),
  stage: z.enum(["lead", "prospect", "opportunity"]).optional(),
  source: z.enum(LEAD_SOURCES).optional(),
  list: z.string().max(64).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({
    description: "Text search in email, name and company",
  }),
});

export const LeadPageSchema = z.object({
  leads: z.array(LeadSchema),
  pagination: PaginationSchema,
});

export const leadsRoutes = newRouter();

leadsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Leads"],
    summary: "List leads",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { query: LeadListQuerySchema },
    responses: {
      200: jsonResponse(LeadPageSchema, "Newest first"),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listLeads(database(c.env.DB), { ...stripUndefined(q), limit: q.limit + 1 });
    const { items, pagination } = page(rows, q.limit);
    return c.json({ leads: items.map(toLead), pagination }, 200);
  },
);

leadsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Leads"],
    summary: "One lead, with its merged record",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { params: z.object({ id: z.string().regex(/^ld_[0-9a-z]{26}$/) }) },
    responses: {
      200: jsonResponse(LeadDetailSchema, "The lead"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const row = await findLead(database(c.env.DB), id);
    if (!row) {
      throw new AppError("RESOURCE_NOT_FOUND", "No lead with this id", {
        details: { field: "id", value: id },
      });
    }
    return c.json(
      {
        ...toLead(row),
        record: row.canonical as Record<string, unknown>,
        written: row.written,
      },
      200,
    );
  },
);

export function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
