import { createRoute, z } from "@hono/zod-openapi";
import { listAudit } from "../db/audit-repo";
import { database } from "../db/client";
import { authErrors, bearerSecurity, bodyErrors, jsonResponse } from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";

const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string().openapi({ description: "API key id, job or cron that acted" }),
    action: z.string().openapi({ example: "lead.preserved" }),
    entity: z.string(),
    entity_id: z.string().nullable(),
    lead_id: z.string().nullable(),
    rule: z.string().nullable().openapi({ description: "The rule that decided" }),
    detail: z.unknown().openapi({
      description: "Fields updated and preserved, per-field decisions, reasons, inputs",
    }),
    request_id: z.string().nullable(),
  })
  .openapi("AuditEntry");

export const auditRoutes = newRouter();

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Audit"],
    summary: "Every decision, newest first",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: {
      query: z.object({
        lead_id: z
          .string()
          .regex(/^ld_[0-9a-z]{26}$/)
          .optional(),
        entity: z.string().max(64).optional(),
        action: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.coerce.number().int().min(1).optional(),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({
          entries: z.array(AuditEntrySchema),
          pagination: z.object({ limit: z.number(), next_cursor: z.number().nullable() }),
        }),
        "Audit entries",
      ),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listAudit(database(c.env.DB), {
      ...(q.lead_id ? { leadId: q.lead_id } : {}),
      ...(q.entity ? { entity: q.entity } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return c.json(
      {
        entries: items.map((r) => ({
          id: r.id,
          at: r.at,
          actor: r.actor,
          action: r.action,
          entity: r.entity,
          entity_id: r.entityId,
          lead_id: r.leadId,
          rule: r.rule,
          detail: r.detail,
          request_id: r.requestId,
        })),
        pagination: { limit: q.limit, next_cursor: rows.length > q.limit && last ? last.id : null },
      },
      200,
    );
  },
);
