import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { listLeads } from "../db/leads-repo";
import { countLeadsByList } from "../db/lists-repo";
import { LIST_NAMES } from "../domain/lists";
import { authErrors, bearerSecurity, bodyErrors, jsonResponse } from "../http/openapi-common";
import { PageQuerySchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { LeadPageSchema, toLead } from "./leads";

const ListSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    lead_count: z.number().int(),
    tag: z.string().openapi({ description: "The HaloPSA ticket tag that mirrors this list" }),
  })
  .openapi("LeadList");

export const listsRoutes = newRouter();

listsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Lists"],
    summary: "Lead lists (the seed's source, hot/warm/cold, industry, size and DNC lists)",
    description:
      "HaloPSA has no list endpoint: lists are segments kept by LeadBridge and mirrored onto " +
      "each lead ticket's tags.",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    responses: {
      200: jsonResponse(z.object({ lists: z.array(ListSchema) }), "All lists"),
      ...authErrors,
    },
  }),
  async (c) => {
    const byId = await countLeadsByList(database(c.env.DB));
    const ids = new Set([...Object.keys(LIST_NAMES), ...byId.keys()]);
    return c.json(
      {
        lists: [...ids].sort().map((id) => ({
          id,
          name: LIST_NAMES[id] ?? id,
          lead_count: byId.get(id) ?? 0,
          tag: id,
        })),
      },
      200,
    );
  },
);

listsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/leads",
    tags: ["Lists"],
    summary: "Leads in a list",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: {
      params: z.object({ id: z.string().regex(/^[a-z0-9_]{1,64}$/) }),
      query: PageQuerySchema,
    },
    responses: { 200: jsonResponse(LeadPageSchema, "Newest first"), ...bodyErrors, ...authErrors },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const rows = await listLeads(database(c.env.DB), {
      list: id,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      limit: q.limit + 1,
    });
    const { items, pagination } = page(rows, q.limit);
    return c.json({ leads: items.map(toLead), pagination }, 200);
  },
);
