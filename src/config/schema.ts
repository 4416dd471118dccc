import { z } from "@hono/zod-openapi";

/**
 * The integration configuration document. Tenant-specific HaloPSA ids (custom fields, ticket
 * types, statuses, priorities) live here because they differ per tenant; the seed's numbers are
 * only defaults. Secrets never belong here: they are Worker secrets (see docs/operations.md).
 */

const haloId = z.number().int().positive();

/** Keys of the custom fields the sales team uses, with the seed's default ids. */
export const CUSTOM_FIELD_DEFAULTS = {
  lead_source: 101,
  services_offered: 102,
  growth_signals: 103,
  project_pipelines: 104,
  do_not_contact: 105,
  technology_stack: 106,
  revenue_range: 107,
  employee_count_range: 108,
  management_level: 109,
  department_function: 110,
  intent_signals: 111,
  company_founded_year: 112,
  location_hq: 113,
  pain_points: 201,
  qualified_services: 202,
  decision_maker: 203,
  budget_range: 204,
  timeframe: 205,
  fit_score: 206,
  products_services: 301,
  quotes_proposals: 302,
  competitors: 303,
  win_loss_reason: 304,
} as const;

export type CustomFieldKey = keyof typeof CUSTOM_FIELD_DEFAULTS;

const customFieldShape = Object.fromEntries(
  Object.entries(CUSTOM_FIELD_DEFAULTS).map(([key, id]) => [key, haloId.default(id)]),
) as { [K in CustomFieldKey]: z.ZodDefault<typeof haloId> };

export const CustomFieldsSchema = z.object(customFieldShape).strict();

/** Lifecycle statuses from the seed (crm-workflow-and-mappings, "Status Values"). */
export const LEAD_STATUSES = [
  "new_lead",
  "researching",
  "contacted",
  "engaged",
  "no_interest",
  "do_not_contact",
  "invalid_data",
] as const;
export const PROSPECT_STATUSES = [
  "new_prospect",
  "prospecting",
  "qualified",
  "disqualified",
] as const;
export const OPPORTUNITY_STATUSES = [
  "new_opportunity",
  "progressing",
  "negotiation",
  "won",
  "lost",
] as const;

export type Stage = "lead" | "prospect" | "opportunity";

function statusMap<const T extends readonly string[]>(names: T, firstId: number) {
  return z
    .object(
      Object.fromEntries(names.map((n, i) => [n, haloId.default(firstId + i)])) as {
        [K in T[number]]: z.ZodDefault<typeof haloId>;
      },
    )
    .strict();
}

const stageSchema = <const T extends readonly string[]>(
  ticketTypeId: number,
  statuses: T,
  firstStatusId: number,
) =>
  z
    .object({
      ticket_type_id: haloId.default(ticketTypeId),
      priority_id: haloId.default(3),
      // The generic mapped type hides that every key has a default, hence the cast.
      statuses: statusMap(statuses, firstStatusId).prefault({} as never),
    })
    .strict();

export const LifecycleSchema = z
  .object({
    lead: stageSchema(1, LEAD_STATUSES, 1).prefault({}),
    prospect: stageSchema(2, PROSPECT_STATUSES, 10).prefault({}),
    opportunity: stageSchema(3, OPPORTUNITY_STATUSES, 20).prefault({}),
  })
  .strict();

const rateLimitSchema = z
  .object({
    requests: z.number().int().min(1).max(100_000),
    window_seconds: z.number().int().min(1).max(86_400),
  })
  .strict();

const providerSchema = (requests: number, windowSeconds: number) =>
  z
    .object({
      enabled: z.boolean().default(true),
      rate_limit: rateLimitSchema.default({ requests, window_seconds: windowSeconds }),
      /** Saved searches run by the cron trigger; provider-specific filter objects. */
      saved_searches: z
        .array(
          z
            .object({
              id: z
                .string()
                .min(1)
                .max(64)
                .regex(/^[a-z0-9_-]+$/),
              filters: z.record(z.string(), z.unknown()),
              max_pages_per_run: z.number().int().min(1).max(500).default(5),
            })
            .strict(),
        )
        .max(50)
        .default([]),
    })
    .strict();

export const ProvidersSchema = z
  .object({
    apollo: providerSchema(200, 60).prefault({}),
    zoominfo: providerSchema(25, 1).prefault({}),
    hunter: providerSchema(15, 1).prefault({}),
  })
  .strict();

/** List rules (the seed's "List Organization Strategy"): segments kept in D1, mirrored as tags. */
export const ListRulesSchema = z
  .object({
    hot_min_score: z.number().int().min(0).max(100).default(81),
    warm_min_score: z.number().int().min(0).max(100).default(60),
    industries: z
      .record(z.string().regex(/^[a-z0-9_]+$/), z.array(z.string().min(1)).min(1))
      .default({
        healthcare_leads: ["healthcare", "hospital", "medical"],
        legal_leads: ["legal", "law"],
        financial_leads: ["financial", "banking", "insurance"],
        manufacturing_leads: ["manufacturing"],
        retail_leads: ["retail", "e-commerce", "ecommerce"],
      }),
    size_bands: z
      .object({
        smb_max: z.number().int().min(1).default(49),
        mid_market_max: z.number().int().min(1).default(499),
      })
      .strict()
      .default({ smb_max: 49, mid_market_max: 499 }),
  })
  .strict();

export const HaloSettingsSchema = z
  .object({
    /** Unset: the Worker's HALO_BASE_URL / HALO_TENANT / HALO_CLIENT_ID variables apply. */
    base_url: z.url({ protocol: /^https?$/ }).optional(),
    tenant: z.string().max(100).optional(),
    client_id: z.string().min(1).max(200).optional(),
    scope: z.string().min(1).max(200).default("all"),
    custom_fields_enabled: z.boolean().default(true),
    /** Rolling window HaloGate enforces; HaloPSA publishes 500 per 3 minutes. */
    rate_limit: rateLimitSchema.default({ requests: 500, window_seconds: 180 }),
    custom_fields: CustomFieldsSchema.prefault({}),
    lifecycle: LifecycleSchema.prefault({}),
  })
  .strict();

export const ConfigSchema = z
  .object({
    halopsa: HaloSettingsSchema.prefault({}),
    providers: ProvidersSchema.prefault({}),
    lists: ListRulesSchema.prefault({}),
  })
  .strict()
  .openapi("IntegrationConfig");

export type IntegrationConfig = z.infer<typeof ConfigSchema>;
export type CustomFieldIds = IntegrationConfig["halopsa"]["custom_fields"];
export type LifecycleIds = IntegrationConfig["halopsa"]["lifecycle"];

/** The default document: every default filled in. */
export function defaultConfig(): IntegrationConfig {
  return ConfigSchema.parse({});
}
