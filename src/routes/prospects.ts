import { createRoute, z } from "@hono/zod-openapi";
import { PROSPECT_STATUSES } from "../config/schema";
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
  NextActionFields,
  OpportunityDataSchema,
  ProspectSchema,
  QualificationDataSchema,
  ReasonSchema,
  runTransitions,
  single,
  TransitionOutcomeSchema,
  toLifecycleRecord,
  toOutcome,
  transitionErrors,
} from "./lifecycle-schemas";

const ConvertRequestSchema = z
  .object({
    qualification_data: QualificationDataSchema,
    conversion_options: z
      .object({
        create_opportunity: z
          .boolean()
          .optional()
          .openapi({
            description:
              "Default false. Also qualify the prospect and open the opportunity (new_prospect → prospecting → " +
              "qualified → new_opportunity, each step checked): needs all five criteria met and " +
              "`opportunity_data`",
          }),
        notify_team: z
          .boolean()
          .optional()
          .openapi({
            description:
              "Default true. The team is told through the private note on the HaloPSA ticket " +
              "(config `halopsa.transition_notes`); accepted for the seed's shape",
          }),
      })
      .strict()
      .optional(),
    opportunity_data: OpportunityDataSchema.optional(),
    reason: ReasonSchema.optional(),
  })
  .strict()
  .openapi("ProspectConversion");

const ConvertResponseSchema = TransitionOutcomeSchema.extend({
  prospect: ProspectSchema,
}).openapi("ProspectConversionResult");

const ProspectStatusRequestSchema = z
  .object({
    status: z.enum(PROSPECT_STATUSES),
    reason: ReasonSchema.optional(),
    qualification_data: QualificationDataSchema.optional().openapi({
      description: "Merged over what the prospect already has before the criteria are checked",
    }),
    ...NextActionFields,
  })
  .strict()
  .openapi("ProspectStatusUpdate", {
    example: {
      status: "qualified",
      reason: "Meets all qualification criteria",
      next_action: "Schedule discovery call",
      next_action_date: "2024-02-01",
    },
  });

const ListQuerySchema = PageQuerySchema.extend({ status: z.enum(PROSPECT_STATUSES).optional() });

export const prospectsRoutes = newRouter();

const who = (c: { var: { principal: { keyId: string }; requestId: string } }) => ({
  keyId: c.var.principal.keyId,
  requestId: c.var.requestId,
});

async function prospectOr404(db: D1Database, id: string) {
  const row = await findLead(database(db), id);
  if (row?.stage !== "prospect") {
    throw new AppError("RESOURCE_NOT_FOUND", "No prospect with this id", {
      details: { field: "id", value: id },
    });
  }
  return row;
}

prospectsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/convert/{lead_id}",
    tags: ["Lifecycle"],
    summary: "Convert an engaged lead to a prospect",
    description:
      "From `lead.engaged` only. The same HaloPSA ticket changes type and status (one POST) and " +
      "gets CF_201–206 from `qualification_data`; contact, company, source and enrichment stay " +
      "as they are. All five criteria must be recorded (pain points, budget range, " +
      "decision-maker access, timeframe, fit score); each missing one is named in " +
      "`details.missing`. Send `Idempotency-Key` to make retries safe.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { params: z.object({ lead_id: LeadIdSchema }), body: jsonBody(ConvertRequestSchema) },
    responses: {
      201: jsonResponse(ConvertResponseSchema, "Converted"),
      ...bodyErrors,
      ...authErrors,
      ...transitionErrors("A request with this `Idempotency-Key` is still being processed."),
    },
  }),
  async (c) => {
    const { lead_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const withOpportunity = body.conversion_options?.create_opportunity ?? false;
    const result = single(
      await runTransitions(c.env, who(c), [
        {
          lead_id,
          from: { stage: "lead", status: "engaged" },
          to: withOpportunity
            ? { stage: "opportunity", status: "new_opportunity" }
            : { stage: "prospect", status: "new_prospect" },
          multi_step: withOpportunity,
          reason: body.reason ?? "Converted to prospect",
          qualification: body.qualification_data,
          opportunity: body.opportunity_data,
        },
      ]),
    );
    const row = await findLead(database(c.env.DB), lead_id);
    if (!row) throw new AppError("RESOURCE_NOT_FOUND", "No lead with this id");
    return c.json({ ...toOutcome(result), prospect: toLifecycleRecord(row) }, 201);
  },
);

prospectsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Lifecycle"],
    summary: "List prospects",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { query: ListQuerySchema },
    responses: {
      200: jsonResponse(
        z.object({ prospects: z.array(ProspectSchema), pagination: PaginationSchema }),
        "Newest first",
      ),
      ...bodyErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listLeads(database(c.env.DB), {
      stage: "prospect",
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      limit: q.limit + 1,
    });
    const { items, pagination } = page(rows, q.limit);
    return c.json({ prospects: items.map(toLifecycleRecord), pagination }, 200);
  },
);

prospectsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Lifecycle"],
    summary: "One prospect, with its qualification data",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { params: z.object({ id: LeadIdSchema }) },
    responses: {
      200: jsonResponse(ProspectSchema, "The prospect"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const row = await prospectOr404(c.env.DB, c.req.valid("param").id);
    return c.json(toLifecycleRecord(row), 200);
  },
);

prospectsRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{id}/status",
    tags: ["Lifecycle"],
    summary: "Change a prospect's status",
    description:
      "new_prospect → prospecting → qualified | disqualified. `qualified` needs the five criteria " +
      "met (fit score ≥ 70) and the required prospect fields (`qualified_services` too), from the " +
      "stored qualification data merged with `qualification_data`; each missing one is named in " +
      "`details.missing`.",
    security: bearerSecurity,
    middleware: [requireScope("write")] as const,
    request: {
      params: z.object({ id: LeadIdSchema }),
      body: jsonBody(ProspectStatusRequestSchema),
    },
    responses: {
      200: jsonResponse(TransitionOutcomeSchema, "The status changed (or already was this one)"),
      ...bodyErrors,
      ...authErrors,
      ...transitionErrors(""),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const result = single(
      await runTransitions(c.env, who(c), [
        {
          lead_id: id,
          to: { stage: "prospect", status: body.status },
          reason: body.reason,
          qualification: body.qualification_data,
          next_action: body.next_action,
          next_action_date: body.next_action_date,
        },
      ]),
    );
    return c.json(toOutcome(result), 200);
  },
);
