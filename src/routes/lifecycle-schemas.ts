import { z } from "@hono/zod-openapi";
import { LEAD_STATUSES, OPPORTUNITY_STATUSES, PROSPECT_STATUSES } from "../config/schema";
import type { LeadRow } from "../db/leads-repo";
import { AppError } from "../errors";
import { errorResponse } from "../http/openapi-common";
import { lifecycleContext } from "../lifecycle/context";
import {
  applyTransitions,
  type TransitionRequest,
  type TransitionResult,
  type TransitionSuccess,
} from "../lifecycle/transitions";
import { LeadSchema, toLead } from "./leads";

/** Lead ids are opaque `ld_…` strings; prospects and opportunities are the same record. */
export const LeadIdSchema = z.string().regex(/^ld_[0-9a-z]{26}$/);

const text = (max: number, description: string) =>
  z.string().trim().min(1).max(max).openapi({ description });
const date = z.iso.date().openapi({ description: "YYYY-MM-DD", example: "2024-03-15" });

export const ReasonSchema = text(2000, "Why; shown in the HaloPSA note and the audit");

/** The seed's prospect Qualification Data (CF_201–206 + notes). */
export const QualificationDataSchema = z
  .object({
    pain_points: text(4000, "Confirmed pain points (CF_201)").optional(),
    qualified_services: text(4000, "Services that match the prospect's needs (CF_202)").optional(),
    decision_maker: z
      .union([z.boolean(), text(500, "Who decides")])
      .optional()
      .openapi({ description: "Decision-maker access: a name, or true/false (CF_203)" }),
    budget_range: text(200, "Budget range (CF_204)").optional(),
    timeframe: text(200, "Implementation timeframe (CF_205)").optional(),
    fit_score: z.number().int().min(0).max(100).optional().openapi({
      description: "Fit score 0-100 (CF_206); qualified needs at least 70",
    }),
    notes: text(4000, "Qualification notes").optional(),
  })
  .strict()
  .openapi("QualificationData", {
    example: {
      pain_points: "Need better data analytics",
      qualified_services: "Managed analytics",
      decision_maker: true,
      budget_range: "50000-100000",
      timeframe: "Q3 2024",
      fit_score: 85,
    },
  });

/** The seed's opportunity Sales Data (HaloPSA opp* fields and CF_301–304). */
export const OpportunityDataSchema = z
  .object({
    value: z
      .number()
      .min(0)
      .max(1e12)
      .optional()
      .openapi({ description: "Opportunity value (oppvalue)" }),
    probability: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .openapi({ description: "Probability % (oppconversionprobability)" }),
    expected_close_date: date.optional(),
    products_services: text(4000, "Products/services (CF_301, oppproductchosen)").optional(),
    quotes_proposals: text(4000, "Quotes/proposals (CF_302)").optional(),
    competitors: text(4000, "Competitors (CF_303, oppcompetitors)").optional(),
  })
  .strict()
  .openapi("OpportunityData", {
    example: {
      value: 75000,
      probability: 60,
      expected_close_date: "2024-03-15",
      products_services: "Managed analytics, onboarding",
      competitors: "Competitor A, Competitor B",
    },
  });

const StateSchema = z.object({ stage: z.string(), status: z.string() }).openapi("LifecycleState");

export const TransitionOutcomeSchema = z
  .object({
    lead_id: z.string(),
    changed: z.boolean().openapi({ description: "False when the record already was there" }),
    from: StateSchema,
    to: StateSchema,
    steps: z.array(StateSchema).openapi({ description: "Each state passed through, `to` last" }),
    external_transition: z.object({ from: StateSchema, to: StateSchema }).nullable().openapi({
      description:
        "HaloPSA showed another state than LeadBridge had (changed by hand there); it was adopted first",
    }),
    halopsa: z.object({ ticket_id: z.number().int(), note_ids: z.array(z.number().int()) }),
    note_error: z.string().nullable().openapi({
      description: "Why the HaloPSA notes could not be written (the transition stands)",
    }),
  })
  .openapi("TransitionOutcome");

export function toOutcome(r: TransitionSuccess): z.infer<typeof TransitionOutcomeSchema> {
  return {
    lead_id: r.lead_id,
    changed: r.changed,
    from: r.from,
    to: r.to,
    steps: r.steps,
    external_transition: r.external,
    halopsa: r.halopsa,
    note_error: r.note_error,
  };
}

/** The one result of a single-record route: the success, or its error thrown as the answer. */
export function single(results: TransitionResult[]): TransitionSuccess {
  const r = results[0];
  if (!r) throw new AppError("INTERNAL_ERROR", "the transition produced no result");
  if (!r.ok) throw r.error;
  return r;
}

const LifecycleDataSchema = z.object({
  qualification_data: z.record(z.string(), z.unknown()).nullable(),
  opportunity_data: z.record(z.string(), z.unknown()).nullable(),
  next_action: z.string().nullable(),
  next_action_date: z.string().nullable(),
});

export const ProspectSchema = LeadSchema.extend(LifecycleDataSchema.shape).openapi("Prospect");
export const OpportunitySchema = LeadSchema.extend(LifecycleDataSchema.shape).openapi(
  "Opportunity",
);

export function toLifecycleRecord(row: LeadRow) {
  const l = row.lifecycle ?? {};
  return {
    ...toLead(row),
    qualification_data: (l.qualification ?? null) as Record<string, unknown> | null,
    opportunity_data: (l.opportunity ?? null) as Record<string, unknown> | null,
    next_action: l.next_action ?? null,
    next_action_date: l.next_action_date ?? null,
  };
}

/** Every lifecycle state as "stage.status", for the batch route's `to`. */
export const STATE_NAMES = [
  ...LEAD_STATUSES.map((s) => `lead.${s}`),
  ...PROSPECT_STATUSES.map((s) => `prospect.${s}`),
  ...OPPORTUNITY_STATUSES.map((s) => `opportunity.${s}`),
] as [string, ...string[]];

export const NextActionFields = {
  next_action: text(500, "The next step").optional(),
  next_action_date: date.optional(),
};

/** A transition from the API may wait this long for HaloPSA's window before answering 503. */
const INTERACTIVE_WAIT_MS = 10_000;

/** Runs transitions for an API key (the audit's actor; HaloPSA notes name the key). */
export async function runTransitions(
  env: Env,
  who: { keyId: string; requestId: string | null },
  requests: TransitionRequest[],
): Promise<TransitionResult[]> {
  const ctx = await lifecycleContext(env, {
    requestId: who.requestId,
    maxWaitMs: INTERACTIVE_WAIT_MS,
  });
  return applyTransitions(ctx, requests, { kind: "api_key", key_id: who.keyId });
}

/** The error answers every transition route documents besides validation and auth. */
export const transitionErrors = (conflict: string) => ({
  404: errorResponse("No lead (prospect, opportunity) with this id"),
  409: errorResponse(
    `${conflict} \`INVALID_TRANSITION\`: not one of the lifecycle's arrows from where the record stands; ` +
      "`details.current` and `details.allowed` say where it is and where it may go. `CONFLICT`: " +
      "another import or transition is writing the record (retry after `Retry-After`), or it has " +
      "no HaloPSA ticket (`details.reason`).",
  ),
  502: errorResponse("HaloPSA failed"),
  503: errorResponse(
    "HaloPSA's rate limit is spent or HaloPSA is not configured; retry after Retry-After",
  ),
});
