import { z } from "@hono/zod-openapi";
import { LEAD_SOURCES } from "../domain/lead";
import { ImportOptionsSchema as ImportOptions } from "../pipeline/options";
import { OUTCOME_ACTIONS } from "../pipeline/outcome";

export const SourceSchema = z.enum(LEAD_SOURCES).openapi({
  description: "Where the record comes from; `data` may be that provider's native record",
});

export const LeadDataSchema = z.record(z.string(), z.unknown()).openapi({
  description:
    "The provider's native record (Apollo `person`, ZoomInfo enrich/search record or GTM " +
    "`attributes`, Hunter domain-search `data` or email-finder result) or the flat form " +
    "`{first_name, last_name, email, company, title, phone, website, …}`",
  example: {
    first_name: "John",
    last_name: "Doe",
    email: "john.doe@company.com",
    company: "Tech Corp",
    title: "CTO",
  },
});

export const ImportOptionsSchema = ImportOptions.openapi("ImportOptions");

export const SyncLeadRequestSchema = z
  .object({
    source: SourceSchema,
    data: LeadDataSchema,
    options: ImportOptionsSchema.prefault({}),
  })
  .strict()
  .openapi("SyncLeadRequest");

const HaloIdsSchema = z.object({
  client_id: z.number().nullable(),
  site_id: z.number().nullable(),
  user_id: z.number().nullable(),
  ticket_id: z.number().nullable(),
});

export const OutcomeSchema = z
  .object({
    index: z.number().int(),
    action: z.enum(OUTCOME_ACTIONS),
    lead_id: z.string().nullable(),
    halopsa: HaloIdsSchema,
    actions_taken: z.array(z.string()),
    quality_score: z.number().nullable(),
    lists: z.array(z.string()),
    fields_updated: z.array(z.string()),
    fields_preserved: z.array(z.string()),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    issues: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .openapi("LeadOutcome");

export const SyncLeadResponseSchema = z
  .object({
    success: z.boolean(),
    action: OutcomeSchema.shape.action,
    lead_id: z.string().nullable(),
    halopsa_ticket_id: z.number().nullable(),
    halopsa: HaloIdsSchema,
    actions_taken: z.array(z.string()),
    quality_score: z.number().nullable(),
    lists: z.array(z.string()),
    fields_updated: z.array(z.string()),
    fields_preserved: z.array(z.string()),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    warnings: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
    results: z.array(OutcomeSchema).openapi({
      description: "One per lead when the record held several (a Hunter domain search)",
    }),
  })
  .openapi("SyncLeadResponse");
