import { createRoute, z } from "@hono/zod-openapi";
import { logCall } from "../calls/log-call";
import { type CallRow, listCalls } from "../db/calls-repo";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { findLead } from "../db/leads-repo";
import { CALL_DIRECTIONS } from "../db/schema";
import { CALL_OUTCOMES } from "../domain/call-outcomes";
import { countryToIso2 } from "../domain/cleanse/country";
import { normalisePhone } from "../domain/cleanse/phone";
import { type CanonicalLead, CanonicalLeadSchema } from "../domain/lead";
import { AppError } from "../errors";
import {
  authErrors,
  bearerSecurity,
  bodyErrors,
  errorResponse,
  idempotencyReuseError,
  jsonBody,
  jsonResponse,
  notFoundError,
  unavailableError,
  upstreamError,
} from "../http/openapi-common";
import { PageQuerySchema, PaginationSchema, page } from "../http/paging";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { idempotency } from "../middleware/idempotency";

const RecordId = z.string().regex(/^ld_[0-9a-z]{26}$/);
const StageStatus = z.object({ stage: z.string(), status: z.string() });

const AutomationStepSchema = z
  .object({
    rule: z.enum(["call_outcomes", "auto_promotion"]),
    from: StageStatus,
    to: StageStatus,
    applied: z.boolean(),
    reason: z.string().optional(),
  })
  .openapi("AutomationStep");

const CallSchema = z
  .object({
    id: z.string(),
    lead_id: z.string().openapi({ description: "The lead, prospect or opportunity called" }),
    stage: z.string().openapi({ description: "The record's stage when the call was logged" }),
    status: z.string().openapi({ description: "The record's status when the call was logged" }),
    occurred_at: z.string(),
    direction: z.enum(CALL_DIRECTIONS),
    dialled_number: z.string().openapi({ description: "E.164" }),
    duration_seconds: z.number().int(),
    agent: z.string(),
    outcome: z.enum(CALL_OUTCOMES),
    next_action: z.string().nullable(),
    next_action_date: z.string().nullable(),
    notes: z.string().nullable(),
    halopsa: z.object({ ticket_id: z.number().nullable(), action_id: z.number().nullable() }),
    automation: z.array(AutomationStepSchema).openapi({
      description: "What the automation rules did after the call (call_outcomes, auto_promotion)",
    }),
    created_by: z.string(),
    created_at: z.string(),
  })
  .openapi("Call");

const CreateCallSchema = z
  .object({
    lead_id: RecordId.optional(),
    prospect_id: RecordId.optional(),
    opportunity_id: RecordId.optional(),
    occurred_at: z.iso.datetime({ offset: true }).openapi({ description: "Date and time (ISO)" }),
    direction: z.enum(CALL_DIRECTIONS),
    dialled_number: z.string().trim().min(1).max(40).openapi({
      description:
        "Stored in E.164; a number without + is read in default_country, else the company's",
    }),
    default_country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional()
      .openapi({ description: "ISO country for a dialled number written without +" }),
    duration_seconds: z.number().int().min(0).max(86_400),
    agent: z.string().trim().min(1).max(200),
    outcome: z.enum(CALL_OUTCOMES),
    next_action: z.string().trim().min(1).max(500).optional(),
    next_action_date: z.iso.date().optional(),
    notes: z.string().trim().max(5_000).optional(),
  })
  .strict()
  .openapi("CreateCall");

export function toCall(row: CallRow): z.infer<typeof CallSchema> {
  return {
    id: row.id,
    lead_id: row.leadId,
    stage: row.stage,
    status: row.status,
    occurred_at: row.occurredAt,
    direction: row.direction,
    dialled_number: row.dialledNumber,
    duration_seconds: row.durationSeconds,
    agent: row.agent,
    outcome: row.outcome as z.infer<typeof CallSchema>["outcome"],
    next_action: row.nextAction,
    next_action_date: row.nextActionDate,
    notes: row.notes,
    halopsa: { ticket_id: row.haloTicketId, action_id: row.haloActionId },
    automation: row.transitions as z.infer<typeof AutomationStepSchema>[],
    created_by: row.createdBy,
    created_at: row.createdAt,
  };
}

export const callsRoutes = newRouter();

callsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Calls"],
    summary: "Log a call to a lead, prospect or opportunity",
    description:
      "Stores the call (the seed's CALL RECORD) and writes it as a private note (Action) on the " +
      "record's HaloPSA ticket, in one HaloPSA call. Name the record with exactly one of " +
      "`lead_id`, `prospect_id`, `opportunity_id`. With the `call_outcomes` rule on, the outcome " +
      "may move the record along the lifecycle's arrows (a first call claims a new lead; a " +
      "conversation makes it contacted; interest makes it engaged…), and `auto_promotion` may " +
      "then convert an engaged lead; `automation` says what happened. Send `Idempotency-Key` " +
      "to make retries safe.",
    security: bearerSecurity,
    middleware: [requireScope("write"), idempotency] as const,
    request: { body: jsonBody(CreateCallSchema) },
    responses: {
      201: jsonResponse(CallSchema, "Logged"),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
      409: errorResponse(
        "The record has no HaloPSA ticket yet, its stage is not the one the id was given as, or " +
          "the `Idempotency-Key` is in use by a request still running",
      ),
      ...idempotencyReuseError,
      ...upstreamError,
      ...unavailableError("HaloPSA's rate limit is spent or HaloPSA is not configured"),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const named = (["lead_id", "prospect_id", "opportunity_id"] as const).filter(
      (k) => body[k] !== undefined,
    );
    const field = named[0];
    if (named.length !== 1 || field === undefined) {
      throw new AppError(
        "VALIDATION_ERROR",
        "Name the record called with exactly one of lead_id, prospect_id, opportunity_id",
        { details: { field: named[1] ?? "lead_id" } },
      );
    }
    const id = body[field] as string;
    const db = database(c.env.DB);
    const lead = await findLead(db, id);
    if (!lead) {
      throw new AppError("RESOURCE_NOT_FOUND", "No lead, prospect or opportunity with this id", {
        details: { field, value: id },
      });
    }
    const stage = field.slice(0, field.indexOf("_"));
    if (stage !== "lead" && lead.stage !== stage) {
      throw new AppError("CONFLICT", `This record is a ${lead.stage}, not a ${stage}`, {
        details: { field, stage: lead.stage },
      });
    }
    const country =
      body.default_country ?? countryOf(CanonicalLeadSchema.safeParse(lead.canonical).data);
    const phone = normalisePhone(body.dialled_number, country ? countryToIso2(country) : null);
    if (!phone) {
      throw new AppError(
        "VALIDATION_ERROR",
        "dialled_number is not a possible phone number (write it with + and the country code, or send default_country)",
        { details: { field: "dialled_number", value: body.dialled_number } },
      );
    }
    if (lead.haloTicketId === null) {
      throw new AppError("CONFLICT", "The record has no HaloPSA ticket yet to log the call on", {
        details: { field, reason: "no_ticket" },
      });
    }
    const { config } = await loadConfig(db);
    const { call } = await logCall(
      {
        env: c.env,
        db,
        config,
        now: new Date(),
        actor: c.var.principal.keyId,
        requestId: c.var.requestId,
      },
      lead,
      lead.haloTicketId,
      {
        occurredAt: body.occurred_at,
        direction: body.direction,
        dialledNumber: phone.e164,
        durationSeconds: body.duration_seconds,
        agent: body.agent,
        outcome: body.outcome,
        nextAction: body.next_action ?? null,
        nextActionDate: body.next_action_date ?? null,
        notes: body.notes ?? null,
      },
    );
    return c.json(toCall(call), 201);
  },
);

function countryOf(lead: CanonicalLead | undefined): string | null {
  return lead?.company.country_code ?? lead?.person.location.country ?? null;
}

/** `GET /leads/{id}/calls`, mounted under /leads next to the lead routes. */
export const leadCallsRoutes = newRouter();

leadCallsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/calls",
    tags: ["Calls"],
    summary: "A lead's calls, newest first",
    description: "Calls logged against the record at any stage (lead, prospect, opportunity).",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { params: z.object({ id: RecordId }), query: PageQuerySchema },
    responses: {
      200: jsonResponse(
        z.object({ calls: z.array(CallSchema), pagination: PaginationSchema }),
        "Newest first",
      ),
      ...bodyErrors,
      ...authErrors,
      ...notFoundError,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const db = database(c.env.DB);
    if (!(await findLead(db, id))) {
      throw new AppError("RESOURCE_NOT_FOUND", "No lead with this id", {
        details: { field: "id", value: id },
      });
    }
    const rows = await listCalls(db, id, { cursor: q.cursor, limit: q.limit + 1 });
    const { items, pagination } = page(rows, q.limit);
    return c.json({ calls: items.map(toCall), pagination }, 200);
  },
);
