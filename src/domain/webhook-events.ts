import { z } from "zod";

/**
 * The events a subscriber can receive. Each has a documented `data` schema (published as
 * OpenAPI 3.1 `webhooks`). Payloads are deliberately thin — ids, the decision and what changed —
 * so a subscriber that needs the whole record reads it (`GET /api/v1/leads/{id}`) and never acts
 * on a stale copy.
 *
 * Produced: lead.*, contact.suppressed, job.completed, sync.failed, ping, and the lifecycle
 * events (prospect.*, opportunity.*) from transitions (src/lifecycle, via the audit entries
 * `lead.transition`, src/db/outbox-repo.ts).
 */
export const EVENT_TYPES = [
  "lead.created",
  "lead.updated",
  "lead.status_changed",
  "lead.suppressed",
  "contact.suppressed",
  "prospect.qualified",
  "prospect.converted",
  "opportunity.created",
  "opportunity.won",
  "opportunity.lost",
  "job.completed",
  "sync.failed",
  "ping",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const HaloIds = z.object({
  client_id: z.number().int().nullable(),
  site_id: z.number().int().nullable(),
  user_id: z.number().int().nullable(),
  ticket_id: z.number().int().nullable(),
});

const StageStatus = z.object({
  stage: z.string().describe("lead, prospect or opportunity"),
  status: z.string().describe("The lifecycle status name from the config"),
});

const LeadCreated = z.object({
  lead_id: z.string(),
  source: z.string(),
  dedup_key: z.string(),
  quality_score: z.number().int().nullable(),
  halopsa: HaloIds,
  lists: z.array(z.string()),
});

const LeadUpdated = z.object({
  lead_id: z.string(),
  source: z.string(),
  fields_updated: z.array(z.string()),
  fields_preserved: z.array(z.string()),
});

const LeadStatusChanged = z.object({
  lead_id: z.string(),
  from: StageStatus,
  to: StageStatus,
  observed_in: z
    .enum(["halopsa", "leadbridge"])
    .describe(
      "Where the change was made: `halopsa` (set by hand in HaloPSA, read back by LeadBridge) " +
        "or `leadbridge` (a lifecycle transition through the API or an automation rule)",
    ),
});

const LeadSuppressed = z.object({
  dedup_key: z.string(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
});

const ContactSuppressed = z.object({
  suppression_id: z.string(),
  kind: z.enum(["email", "phone", "domain"]),
  value: z.string(),
  reason: z.string().nullable(),
  origin: z.string().describe("api, apollo, zoominfo, hunter or halopsa"),
});

const LifecycleChange = z.object({
  lead_id: z.string(),
  from: StageStatus.nullable(),
  to: StageStatus,
  halopsa_ticket_id: z.number().int().nullable(),
});

const OpportunityClosed = LifecycleChange.extend({
  value: z.number().nullable().describe("The opportunity value, when known"),
  reason: z.string().nullable(),
});

const JobCompleted = z.object({
  job_id: z.string(),
  kind: z.string(),
  source: z.string(),
  status: z.enum(["completed", "completed_with_errors"]),
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  rejected: z.number().int(),
});

const SyncFailed = z.object({
  provider: z.string(),
  search_id: z.string(),
  error: z.string(),
});

const Ping = z.object({ subscription_id: z.string(), message: z.string() });

export const EVENT_DATA = {
  "lead.created": LeadCreated,
  "lead.updated": LeadUpdated,
  "lead.status_changed": LeadStatusChanged,
  "lead.suppressed": LeadSuppressed,
  "contact.suppressed": ContactSuppressed,
  "prospect.qualified": LifecycleChange,
  "prospect.converted": LifecycleChange,
  "opportunity.created": LifecycleChange,
  "opportunity.won": OpportunityClosed,
  "opportunity.lost": OpportunityClosed,
  "job.completed": JobCompleted,
  "sync.failed": SyncFailed,
  ping: Ping,
} as const satisfies Record<EventType, z.ZodType>;

export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  "lead.created": "A new person was written to HaloPSA (client, site, user and lead ticket).",
  "lead.updated": "An import merged new data into a known lead's HaloPSA records.",
  "lead.status_changed":
    "A lead's stage or status changed: a lifecycle transition, or a change made in HaloPSA and read back.",
  "lead.suppressed": "An imported lead was not written because it is on the Do-Not-Contact list.",
  "contact.suppressed":
    "An email, phone or domain was added to the Do-Not-Contact list (by the API or a provider opt-out).",
  "prospect.qualified": "A prospect met the qualification criteria (prospecting → qualified).",
  "prospect.converted":
    "An engaged lead was converted to a prospect (lead.engaged → prospect.new_prospect).",
  "opportunity.created":
    "A qualified prospect was promoted to an opportunity (prospect.qualified → opportunity.new_opportunity).",
  "opportunity.won": "An opportunity was won (with its value and reason).",
  "opportunity.lost": "An opportunity was lost (with its value and reason).",
  "job.completed": "A bulk import or provider-sync job finished (every lead has an outcome).",
  "sync.failed": "A scheduled or on-demand provider sync run ended with an error.",
  ping: "A test event sent by POST /api/v1/webhooks/{id}/test.",
};

/** The body of every delivery: the same bytes are signed and sent. */
export interface WebhookEventBody<T extends EventType = EventType> {
  id: string;
  type: T;
  occurred_at: string;
  data: EventData<T>;
}
