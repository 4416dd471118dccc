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

/**
 * The seed's own shape is a bare number (`PUT /config {"providers":{"apollo":{"rate_limit":150}}}`,
 * middleware-api-reference "Update Configuration"). The seed gives no unit; its values (100 and
 * 150 for Apollo) sit under Apollo's published per-minute limits, which is how providers publish
 * theirs (docs/reference/providers.md §1.5), so a number means requests per minute. It is stored
 * as the richer object, which is what GET /config shows.
 */
const providerRateLimitSchema = z.preprocess(
  (v) => (typeof v === "number" ? { requests: v, window_seconds: 60 } : v),
  rateLimitSchema,
);

const providerSchema = (requests: number, windowSeconds: number) =>
  z
    .object({
      enabled: z.boolean().default(true),
      rate_limit: providerRateLimitSchema.default({ requests, window_seconds: windowSeconds }),
      /**
       * Credits this provider may spend per UTC day, across every run (the provider gate counts
       * them); a run that would pass it stops before the call. null: unlimited.
       */
      daily_credit_budget: z.number().int().min(0).max(10_000_000).nullable().default(null),
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
    apollo: providerSchema(200, 60)
      .extend({
        /**
         * Ids of the team's "Do Not Contact" contact stage(s) (providers.md §1.3). Empty: read
         * from Apollo's `GET /contact_stages` (the stage named "Do Not Contact"), cached in D1.
         */
        dnc_stage_ids: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
      })
      .prefault({}),
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

/**
 * How a re-import treats a person field LeadBridge wrote before (the smart merge,
 * src/domain/merge.ts). Every policy keeps a value somebody edited by hand in HaloPSA
 * (rule `manual_edit`); they differ in what happens to a value nobody touched:
 * - update_unedited: replaced by the newer value of a source of equal or higher precedence (the
 *   seed's "Multi-Source Data Precedence" picks the value first) — people change jobs;
 * - fill_empty: written only while HaloPSA has nothing (the behaviour before this setting);
 * - protected: never rewritten once the user exists, like the seed's protectedFields.
 * Phone numbers are the seed's enrichment fields and always follow update_unedited; ticket and
 * custom fields follow the seed's fixed rules (protected, enrichment, conditional).
 */
const MERGE_FIELD_POLICIES = ["update_unedited", "fill_empty", "protected"] as const;
export type MergeFieldPolicy = (typeof MERGE_FIELD_POLICIES)[number];
const policy = z.enum(MERGE_FIELD_POLICIES).default("update_unedited");

const MergeSettingsSchema = z
  .object({
    field_policies: z
      .object({
        "user.title": policy,
        "user.firstname": policy,
        "user.surname": policy,
        "user.name": policy,
        "user.emailaddress": policy,
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type MergeFieldPolicies = z.infer<typeof MergeSettingsSchema>["field_policies"];

export const HaloSettingsSchema = z
  .object({
    // No base_url: the host the client secret goes to is the deployment's HALO_BASE_URL
    // (src/config/retired.ts). Unset tenant / client_id: HALO_TENANT / HALO_CLIENT_ID apply.
    tenant: z.string().max(100).optional(),
    client_id: z.string().min(1).max(200).optional(),
    scope: z.string().min(1).max(200).default("all"),
    custom_fields_enabled: z.boolean().default(true),
    /**
     * Client names written to HaloPSA: "strip" removes legal forms as the seed's cleansing does
     * ("Harbour IT Ltd." → "Harbour IT"); "keep" writes the legal name, for MSPs who invoice the
     * legal entity. Matching is unaffected: the company key ignores legal forms either way.
     */
    company_legal_suffix: z.enum(["strip", "keep"]).default("strip"),
    /** Rolling window HaloGate enforces; HaloPSA publishes 500 per 3 minutes. */
    rate_limit: rateLimitSchema.default({ requests: 500, window_seconds: 180 }),
    custom_fields: CustomFieldsSchema.prefault({}),
    lifecycle: LifecycleSchema.prefault({}),
    /**
     * A user or lead ticket LeadBridge wrote and someone deleted in HaloPSA: "recreate" writes
     * the person again (audited `lead.recreated`), "skip" leaves them out and audits why. Neither
     * ever fails the import.
     */
    on_deleted: z.enum(["recreate", "skip"]).default("recreate"),
    /**
     * Opt-in: copy sync failures from the error log into HaloPSA's IntegrationError log, so
     * HaloPSA admins see them where they look. Batched by the every-minute cron, through
     * HaloGate (src/jobs/error-mirror.ts); never sent from the request path.
     */
    mirror_errors: z.boolean().default(false),
    /**
     * Each lifecycle transition is written to the ticket as a private note (a HaloPSA Action,
     * never the ticket's own notes): "Status changed from X to Y by <actor>: <reason>".
     */
    transition_notes: z.boolean().default(true),
    /**
     * Every re-import that updated fields leaves the seed's "Auto-updated from
     * <source>: ✓ Updated … 🔒 Preserved …" as a private note (a HaloPSA Action) on the ticket
     * (src/pipeline/merge-notes.ts); best-effort, never failing the import.
     */
    merge_notes: z.boolean().default(true),
  })
  .strict();

/** Bulk jobs (src/jobs/sweeper.ts). */
const JobSettingsSchema = z
  .object({
    /**
     * A chunk whose pending leads (and job) have not moved for this long, with no delivery due,
     * is re-enqueued by the sweeper (cron, every minute).
     */
    stall_seconds: z.number().int().min(60).max(86_400).default(180),
  })
  .strict();

/**
 * The seed's "Workflow Automation Rules" that act on their own (docs/architecture.md,
 * "Automation rules"); each runs through the lifecycle state machine and is audited with its
 * name. Status validation, data inheritance and required fields are not switches: every
 * transition obeys them.
 */
const AutomationSchema = z
  .object({
    /** Seed rule 1: a lead at Engaged is converted to a New Prospect. */
    auto_promotion: z.boolean().default(true),
    /** A logged call's outcome moves a lead along the seed's arrows (src/calls/outcomes.ts). */
    call_outcomes: z.boolean().default(true),
  })
  .strict();

export const ConfigSchema = z
  .object({
    halopsa: HaloSettingsSchema.prefault({}),
    providers: ProvidersSchema.prefault({}),
    lists: ListRulesSchema.prefault({}),
    merge: MergeSettingsSchema.prefault({}),
    jobs: JobSettingsSchema.prefault({}),
    automation: AutomationSchema.prefault({}),
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

/** Lifecycle stages in the order a lead moves through them. */
const STAGES = ["lead", "prospect", "opportunity"] as const;

/**
 * Settings that each pass on their own but contradict each other, so the service could not
 * follow them: refused with the field named (`details.field`). Kept apart from `ConfigSchema`
 * so a stored document written before a rule existed still loads; PUT /config parses with this.
 */
function refuseContradictions(config: IntegrationConfig, ctx: z.RefinementCtx): void {
  const { lists, halopsa, providers } = config;
  if (lists.hot_min_score < lists.warm_min_score) {
    ctx.addIssue({
      code: "custom",
      path: ["lists", "hot_min_score"],
      message: `hot_min_score (${lists.hot_min_score}) is below warm_min_score (${lists.warm_min_score}): no lead could be warm`,
    });
  }
  if (lists.size_bands.smb_max >= lists.size_bands.mid_market_max) {
    ctx.addIssue({
      code: "custom",
      path: ["lists", "size_bands", "mid_market_max"],
      message: `mid_market_max (${lists.size_bands.mid_market_max}) must be above smb_max (${lists.size_bands.smb_max})`,
    });
  }
  for (const provider of ["apollo", "zoominfo", "hunter"] as const) {
    const seen = new Set<string>();
    providers[provider].saved_searches.forEach((search, i) => {
      if (seen.has(search.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["providers", provider, "saved_searches", i, "id"],
          message: `saved search id "${search.id}" is used twice; each search keeps its own checkpoint`,
        });
      }
      seen.add(search.id);
    });
  }
  // One HaloPSA status per lifecycle status: a ticket's status must say where the lead stands.
  const statusOwner = new Map<number, string>();
  for (const stage of STAGES) {
    for (const [name, id] of Object.entries(halopsa.lifecycle[stage].statuses)) {
      const field = `halopsa.lifecycle.${stage}.statuses.${name}`;
      const owner = statusOwner.get(id);
      if (owner !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: field.split("."),
          message: `status id ${id} is already ${owner}; each lifecycle status needs its own HaloPSA status`,
        });
      } else statusOwner.set(id, field);
    }
  }
  const fieldOwner = new Map<number, string>();
  for (const [key, id] of Object.entries(halopsa.custom_fields)) {
    const owner = fieldOwner.get(id);
    if (owner !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["halopsa", "custom_fields", key],
        message: `custom field id ${id} is already halopsa.custom_fields.${owner}; one HaloPSA field cannot hold two values`,
      });
    } else fieldOwner.set(id, key);
  }
}

/** The configuration as PUT /config accepts it: well-formed and free of contradictions. */
export const CheckedConfigSchema = ConfigSchema.superRefine(refuseContradictions);
