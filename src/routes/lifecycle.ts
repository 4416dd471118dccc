import { createRoute, z } from "@hono/zod-openapi";
import { LEAD_STATUSES } from "../config/schema";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  jsonBody,
  jsonResponse,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import type { TransitionRequest } from "../lifecycle/transitions";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";
import {
  LeadIdSchema,
  NextActionFields,
  OpportunityDataSchema,
  QualificationDataSchema,
  ReasonSchema,
  runTransitions,
  STATE_NAMES,
  single,
  TransitionOutcomeSchema,
  toOutcome,
  transitionErrors,
} from "./lifecycle-schemas";

/** At most this many transitions per batch request: one HaloPSA read and two POSTs. */
const MAX_BATCH = 100;

const LeadStatusRequestSchema = z
  .object({
    status: z.enum(LEAD_STATUSES),
    reason: ReasonSchema.optional(),
    ...NextActionFields,
  })
  .strict()
  .openapi("LeadStatusUpdate", {
    example: { status: "researching", reason: "Claimed for research" },
  });

/** `PUT /leads/{id}/status`, mounted next to the read routes of src/routes/leads.ts. */
export const leadStatusRoutes = newRouter();

leadStatusRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{id}/status",
    tags: ["Lifecycle"],
    summary: "Change a lead's status",
    description:
      "Moves the lead along the seed's lead lifecycle (new_lead → researching → contacted → " +
      "engaged | no_interest | do_not_contact; researching → invalid_data). The HaloPSA ticket's " +
      "status changes in one POST and a private note records who and why. HaloPSA is the system " +
      "of record: a status changed there by hand is adopted first (`external_transition`).",
    security: bearerSecurity,
    middleware: [requireScope("write")] as const,
    request: { params: z.object({ id: LeadIdSchema }), body: jsonBody(LeadStatusRequestSchema) },
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
      await runTransitions(c.env, { keyId: c.var.principal.keyId, requestId: c.var.requestId }, [
        {
          lead_id: id,
          to: { stage: "lead", status: body.status },
          reason: body.reason,
          next_action: body.next_action,
          next_action_date: body.next_action_date,
        },
      ]),
    );
    return c.json(toOutcome(result), 200);
  },
);

const BatchItemSchema = z
  .object({
    lead_id: LeadIdSchema,
    to: z.enum(STATE_NAMES).openapi({ description: "The target as `stage.status`" }),
    reason: ReasonSchema.optional(),
    qualification_data: QualificationDataSchema.optional(),
    opportunity_data: OpportunityDataSchema.optional(),
  })
  .strict();

const BatchRequestSchema = z
  .object({ transitions: z.array(BatchItemSchema).min(1).max(MAX_BATCH) })
  .strict()
  .openapi("TransitionBatch", {
    example: {
      transitions: [
        { lead_id: "ld_01j9z8x7w6v5t4s3r2q1p0n9m8", to: "lead.researching", reason: "Claimed" },
      ],
    },
  });

const BatchItemResultSchema = z.object({
  index: z.number().int(),
  lead_id: z.string(),
  ok: z.boolean(),
  outcome: TransitionOutcomeSchema.optional().openapi({ description: "When `ok`" }),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).nullable(),
    })
    .optional()
    .openapi({
      description: "When not `ok`: why, with the code and details a single route would answer",
    }),
});

const BatchResponseSchema = z
  .object({
    succeeded: z.number().int(),
    failed: z.number().int(),
    results: z.array(BatchItemResultSchema),
  })
  .openapi("TransitionBatchResult");

/** `POST /lifecycle/transitions`: many records at once, batched into shared HaloPSA calls. */
export const lifecycleRoutes = newRouter();

lifecycleRoutes.openapi(
  createRoute({
    method: "post",
    path: "/transitions",
    tags: ["Lifecycle"],
    summary: "Apply up to 100 status transitions at once",
    description:
      "Each item is checked against the lifecycle state machine on its own and answered in " +
      "`results` (a refused item carries the error a single route would give: " +
      "`INVALID_TRANSITION` with `details.allowed`, `VALIDATION_ERROR` naming each missing " +
      "requirement, `RESOURCE_NOT_FOUND`, `CONFLICT`). HaloPSA cost for the whole batch: one " +
      "ticket read, one ticket POST and one notes POST. Send `Idempotency-Key` to make retries safe.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { body: jsonBody(BatchRequestSchema) },
    responses: {
      200: jsonResponse(BatchResponseSchema, "Every item's outcome, in request order"),
      ...bodyErrors,
      ...authErrors,
      ...transitionErrors("A request with this `Idempotency-Key` is still being processed."),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const requests: TransitionRequest[] = body.transitions.map((t) => {
      const [stage = "", status = ""] = t.to.split(".");
      return {
        lead_id: t.lead_id,
        to: { stage, status },
        reason: t.reason,
        qualification: t.qualification_data,
        opportunity: t.opportunity_data,
      };
    });
    const results = await runTransitions(
      c.env,
      { keyId: c.var.principal.keyId, requestId: c.var.requestId },
      requests,
    );
    const out = results.map((r) =>
      r.ok
        ? { index: r.index, lead_id: r.lead_id, ok: true, outcome: toOutcome(r) }
        : {
            index: r.index,
            lead_id: r.lead_id,
            ok: false,
            error: {
              code: r.error.code,
              message: r.error.message,
              details: r.error.details ?? null,
            },
          },
    );
    const succeeded = out.filter((r) => r.ok).length;
    return c.json({ succeeded, failed: out.length - succeeded, results: out }, 200);
  },
);
