import { createRoute, z } from "@hono/zod-openapi";
import { OPPORTUNITY_STATUSES } from "../config/schema";
import { database } from "../db/client";
import { findLead, listLeads } from "../db/leads-repo";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  jsonBody,
  jsonResponse,
  notFoundError,
} from "../http/openapi-common";
import { PageQuerySchema, PaginationSchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import {
  LeadIdSchema,
  OpportunityDataSchema,
  OpportunitySchema,
  ReasonSchema,
  runTransitions,
  single,
  TransitionOutcomeSchema,
  toLifecycleRecord,
  toOutcome,
  transitionErrors,
} from "./lifecycle-schemas";

const CreateRequestSchema = z
  .object({
    prospect_id: LeadIdSchema,
    opportunity_data: OpportunityDataSchema,
    reason: ReasonSchema.optional(),
  })
  .strict()
  .openapi("OpportunityCreate");

const UpdateRequestSchema = OpportunityDataSchema.extend({
  status: z.enum(OPPORTUNITY_STATUSES).optional().openapi({
    description:
      "new_opportunity → progressing → negotiation → won | lost; omit to update data only",
  }),
  reason: ReasonSchema.optional().openapi({
    description: "Why; won and lost require it (their Win/Loss Reason, CF_304 and oppreason)",
  }),
  notes: ReasonSchema.optional().openapi({
    description: "The seed's notes: written with the change as a HaloPSA private note",
  }),
})
  .strict()
  .openapi("OpportunityUpdate", {
    example: {
      status: "negotiation",
      value: 80000,
      probability: 75,
      notes: "Customer requested custom terms",
    },
  });

const OpportunityResultSchema = TransitionOutcomeSchema.extend({
  opportunity: OpportunitySchema,
}).openapi("OpportunityResult");

const ListQuerySchema = PageQuerySchema.extend({
  status: z.enum(OPPORTUNITY_STATUSES).optional(),
});

export const opportunitiesRoutes = newRouter();

const who = (c: { var: { principal: { keyId: string }; requestId: string } }) => ({
  keyId: c.var.principal.keyId,
  requestId: c.var.requestId,
});

async function opportunityOr404(db: D1Database, id: string) {
  const row = await findLead(database(db), id);
  if (row?.stage !== "opportunity") {
    throw new AppError("RESOURCE_NOT_FOUND", "No opportunity with this id", {
      details: { field: "id", value: id },
    });
  }
  return row;
}

opportunitiesRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Lifecycle"],
    summary: "Open an opportunity from a qualified prospect",
    description:
      "From `prospect.qualified` only. The same HaloPSA ticket becomes the opportunity type " +
      "(HaloPSA's opportunities are tickets): one POST sets type, status, `oppvalue`, " +
      "`oppconversionprobability`, `oppproductchosen`, `oppcompetitors`, `oppconverteddate` " +
      "and CF_301–303; qualification data and everything before stays. Value, probability, " +
      "expected close date and products/services are required, each missing one named. Send " +
      "`Idempotency-Key` to make retries safe.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { body: jsonBody(CreateRequestSchema) },
    responses: {
      201: jsonResponse(OpportunityResultSchema, "Opened"),
      ...bodyErrors,
      ...authErrors,
      ...transitionErrors("A request with this `Idempotency-Key` is still being processed."),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const result = single(
      await runTransitions(c.env, who(c), [
        {
          lead_id: body.prospect_id,
          from: { stage: "prospect", status: "qualified" },
          to: { stage: "opportunity", status: "new_opportunity" },
          reason: body.reason ?? "Promoted to opportunity",
          opportunity: body.opportunity_data,
        },
      ]),
    );
    const row = await opportunityOr404(c.env.DB, body.prospect_id);
    return c.json({ ...toOutcome(result), opportunity: toLifecycleRecord(row) }, 201);
  },
);

opportunitiesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Lifecycle"],
    summary: "List opportunities",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { query: ListQuerySchema },
    responses: {
      200: jsonResponse(
        z.object({ opportunities: z.array(OpportunitySchema), pagination: PaginationSchema }),
        "Newest first",
      ),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listLeads(database(c.env.DB), {
      stage: "opportunity",
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      limit: q.limit + 1,
    });
    const { items, pagination } = page(rows, q.limit);
    return c.json({ opportunities: items.map(toLifecycleRecord), pagination }, 200);
  },
);

opportunitiesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Lifecycle"],
    summary: "One opportunity, with its sales and qualification data",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { params: z.object({ id: LeadIdSchema }) },
    responses: {
      200: jsonResponse(OpportunitySchema, "The opportunity"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const row = await opportunityOr404(c.env.DB, c.req.valid("param").id);
    return c.json(toLifecycleRecord(row), 200);
  },
);

opportunitiesRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{id}",
    tags: ["Lifecycle"],
    summary: "Update an opportunity's status and sales data",
    description:
      "Changes the status along the seed's arrows and/or the sales data, in one HaloPSA POST. " +
      "`won` and `lost` need `reason` (or `notes`).",
    security: bearerSecurity,
    middleware: [requireScope("write")] as const,
    request: { params: z.object({ id: LeadIdSchema }), body: jsonBody(UpdateRequestSchema) },
    responses: {
      200: jsonResponse(OpportunityResultSchema, "Updated"),
      ...bodyErrors,
      ...authErrors,
      ...transitionErrors(""),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { status, reason, notes, ...data } = c.req.valid("json");
    await opportunityOr404(c.env.DB, id);
    const result = single(
      await runTransitions(c.env, who(c), [
        {
          lead_id: id,
          to: status ? { stage: "opportunity", status } : null,
          reason: reason ?? notes,
          ...(Object.keys(data).length > 0 ? { opportunity: data } : {}),
        },
      ]),
    );
    const row = await opportunityOr404(c.env.DB, id);
    return c.json({ ...toOutcome(result), opportunity: toLifecycleRecord(row) }, 200);
  },
);
