import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Scope } from "../auth/principal";
import type { RateLimits } from "../auth/rate-limit-policy";
import type { Stage } from "../config/schema";
import type { DedupKeyKind } from "../domain/dedup-key";
import type { LeadSource } from "../domain/lead";
import type { LeadLifecycleData } from "../domain/lifecycle";
import type { SuppressionKind } from "../domain/suppression";

/**
 * The D1 schema. One file so the whole data model reads in one place; `npm run db:generate`
 * turns changes into flat SQL migrations under migrations/ (drizzle-kit 0.31 keeps them flat,
 * which is what `wrangler d1 migrations apply` and the test runner read).
 */

// Enum-like columns are TEXT in SQLite; `$type` gives them their union type in TypeScript so
// reads need no cast. Writers are typed, so only these values are ever stored.

export const JOB_KINDS = ["bulk", "provider_sync", "retry"] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ["queued", "running", "completed", "completed_with_errors"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobItemStatus = "pending" | "done" | "failed";
export type SyncCursorStatus =
  | "idle"
  | "running"
  | "active"
  | "paused"
  | "complete"
  | "error"
  /** The provider's daily credit budget is spent (src/providers/gate). */
  | "budget_exhausted";
export const INDEX_RUN_STATUSES = ["queued", "running", "completed", "failed"] as const;
export type IndexRunStatus = (typeof INDEX_RUN_STATUSES)[number];
export type IdempotencyState = "in_flight" | "completed";

const createdAt = () =>
  text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

/** API keys: only a SHA-256 hash of the secret is kept; the prefix lets operators tell keys apart. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<Scope[]>().notNull(),
    createdAt: createdAt(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
    /** The key's own rate limits; null (or a missing field) means the seed's default. */
    rateLimits: text("rate_limits", { mode: "json" }).$type<Partial<RateLimits>>(),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.hash)],
);

/** The integration configuration as a versioned document; the highest version is current. */
export const configVersions = sqliteTable("config_versions", {
  version: integer("version").primaryKey(),
  document: text("document", { mode: "json" }).notNull(),
  changedBy: text("changed_by").notNull(),
  createdAt: createdAt(),
});

/** Every decision the service takes, with the rule that decided it. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    leadId: text("lead_id"),
    rule: text("rule"),
    detail: text("detail", { mode: "json" }),
    requestId: text("request_id"),
  },
  (t) => [index("audit_lead_idx").on(t.leadId, t.id), index("audit_entity_idx").on(t.entity, t.id)],
);

export const ERROR_LEVELS = ["error", "warning", "info"] as const;
export type ErrorLevel = (typeof ERROR_LEVELS)[number];

/** Errors worth an operator's attention (upstream failures, parked records). */
export const errorLog = sqliteTable(
  "error_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    level: text("level").$type<ErrorLevel>().notNull(),
    code: text("code").notNull(),
    message: text("message").notNull(),
    source: text("source"),
    requestId: text("request_id"),
    detail: text("detail", { mode: "json" }),
    /** When the entry was copied to HaloPSA's IntegrationError log (`halopsa.mirror_errors`). */
    haloMirroredAt: text("halo_mirrored_at"),
  },
  (t) => [index("error_at_idx").on(t.at)],
);

/** IETF Idempotency-Key records: a replayable response per (key, principal). */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    key: text("key").notNull(),
    principal: text("principal").notNull(),
    route: text("route").notNull(),
    bodyHash: text("body_hash").notNull(),
    status: integer("status"),
    response: text("response"),
    state: text("state").$type<IdempotencyState>().notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [uniqueIndex("idem_key_idx").on(t.principal, t.key)],
);

/**
 * Companies LeadBridge has written to HaloPSA, de-duplicated by domain (else cleaned name), so
 * two people from one company share one HaloPSA client and site.
 */
export const companies = sqliteTable(
  "companies",
  {
    id: text("id").primaryKey(),
    companyKey: text("company_key").notNull(),
    name: text("name"),
    domain: text("domain"),
    haloClientId: integer("halo_client_id"),
    haloSiteId: integer("halo_site_id"),
    /**
     * Set while a create for this row is in flight: if the run dies before the new id is saved,
     * the next attempt looks the record up by its external key instead of creating it again.
     */
    writePending: integer("write_pending", { mode: "boolean" }).notNull().default(false),
    /** Values LeadBridge last wrote to the client and site, per field (manual-edit detection). */
    written: text("written", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /**
     * An exclusive lease (src/pipeline/claims.ts): the run holding `claim_token` until
     * `claim_expires_at` (epoch ms) is the only one allowed to write this row to HaloPSA; a crashed
     * run's lease simply expires and the next run takes the row over.
     */
    claimToken: text("claim_token"),
    claimExpiresAt: integer("claim_expires_at"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("companies_key_idx").on(t.companyKey),
    index("companies_claim_idx").on(t.claimToken),
  ],
);

/** One row per person: the dedup index mapping the seed's dedup key to HaloPSA ids. */
export const leads = sqliteTable(
  "leads",
  {
    id: text("id").primaryKey(),
    dedupKey: text("dedup_key").notNull(),
    dedupKind: text("dedup_kind").$type<DedupKeyKind>().notNull(),
    email: text("email"),
    fullName: text("full_name"),
    companyId: text("company_id"),
    companyName: text("company_name"),
    stage: text("stage").$type<Stage>().notNull(),
    status: text("status").notNull(),
    qualityScore: integer("quality_score").notNull(),
    /** A provider, or `halopsa` for a person found by the HaloPSA index. */
    source: text("source").notNull(),
    sources: text("sources", { mode: "json" }).$type<string[]>().notNull(),
    lists: text("lists", { mode: "json" }).$type<string[]>().notNull(),
    haloClientId: integer("halo_client_id"),
    haloSiteId: integer("halo_site_id"),
    haloUserId: integer("halo_user_id"),
    haloTicketId: integer("halo_ticket_id"),
    /** As on companies: a user or ticket create may have reached HaloPSA unrecorded. */
    writePending: integer("write_pending", { mode: "boolean" }).notNull().default(false),
    /** The merged canonical lead (all providers, precedence applied). */
    canonical: text("canonical", { mode: "json" }).notNull(),
    /** Values LeadBridge last wrote to the user and ticket, per field. */
    written: text("written", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /**
     * Values HaloPSA held, when it last told us (a HaloPSA webhook, src/halo-inbound), for fields
     * LeadBridge wrote and somebody has since changed there: the next merge sees those manual
     * edits without reading the record back. Only fields that differ from `written` are kept.
     */
    haloSeen: text("halo_seen", { mode: "json" }).$type<Record<string, unknown>>(),
    /**
     * Lifecycle data gathered by transitions (src/lifecycle): the prospect's qualification data
     * and the opportunity's sales data, as last written to the ticket.
     */
    lifecycle: text("lifecycle", { mode: "json" }).$type<LeadLifecycleData>(),
    /**
     * As on companies: an exclusive lease (src/pipeline/claims.ts): the run holding `claim_token` until
     * `claim_expires_at` (epoch ms) is the only one allowed to write this row to HaloPSA; a crashed
     * run's lease simply expires and the next run takes the row over.
     */
    claimToken: text("claim_token"),
    claimExpiresAt: integer("claim_expires_at"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("leads_dedup_idx").on(t.dedupKey),
    index("leads_email_idx").on(t.email),
    index("leads_status_idx").on(t.status, t.id),
    index("leads_source_idx").on(t.source, t.id),
    index("leads_ticket_idx").on(t.haloTicketId),
    index("leads_user_idx").on(t.haloUserId),
    index("leads_claim_idx").on(t.claimToken),
  ],
);

/** The latest record per provider for a lead, for multi-source precedence merges. */
export const leadSources = sqliteTable(
  "lead_sources",
  {
    leadId: text("lead_id").notNull(),
    source: text("source").notNull(),
    record: text("record", { mode: "json" }).notNull(),
    receivedAt: text("received_at").notNull(),
    /**
     * The canonical lead schema's fingerprint (domain/lead-version.ts) when LeadBridge wrote the
     * record: a record written under the current schema is read back without re-validation.
     * Null for rows written before (or by hand): those are parsed in full.
     */
    schemaVersion: text("schema_version"),
  },
  (t) => [uniqueIndex("lead_sources_pk").on(t.leadId, t.source)],
);

/** List membership (the seed's list rules), also mirrored onto the ticket's tags. */
export const leadLists = sqliteTable(
  "lead_lists",
  {
    listId: text("list_id").notNull(),
    leadId: text("lead_id").notNull(),
    addedAt: text("added_at").notNull(),
  },
  (t) => [
    uniqueIndex("lead_lists_pk").on(t.listId, t.leadId),
    index("lead_lists_lead_idx").on(t.leadId),
  ],
);

/**
 * Do-Not-Contact entries: the local source of truth that blocks every import. Values are
 * normalised (lower-case email, E.164 phone, bare domain) so matching is exact.
 */
export const suppressions = sqliteTable(
  "suppressions",
  {
    id: text("id").primaryKey(),
    kind: text("kind").$type<SuppressionKind>().notNull(),
    value: text("value").notNull(),
    reason: text("reason"),
    origin: text("origin").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("suppressions_value_idx").on(t.kind, t.value)],
);

/** Bulk imports and provider-sync runs: progress and totals. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").$type<JobKind>().notNull(),
    source: text("source").$type<LeadSource>().notNull(),
    status: text("status").$type<JobStatus>().notNull(),
    total: integer("total").notNull(),
    chunks: integer("chunks").notNull(),
    options: text("options", { mode: "json" }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
    /**
     * The latest reason leads of this job could not be written (HaloPSA's refusal, retries
     * exhausted): shown on GET /sync/jobs/{id} so a job that cannot progress says why.
     */
    lastError: text("last_error"),
  },
  (t) => [index("jobs_created_idx").on(t.id)],
);

/**
 * One row per submitted lead of a job: the input (so failed leads can be replayed) and its
 * outcome. A lead is never lost: it is pending until its chunk records an outcome, and the
 * dead-letter consumer records "failed" for chunks that exhausted their retries.
 */
export const jobItems = sqliteTable(
  "job_items",
  {
    jobId: text("job_id").notNull(),
    idx: integer("idx").notNull(),
    chunk: integer("chunk").notNull(),
    input: text("input", { mode: "json" }).notNull(),
    status: text("status").$type<JobItemStatus>().notNull(),
    action: text("action"),
    leadId: text("lead_id"),
    result: text("result", { mode: "json" }),
    error: text("error"),
    updatedAt: text("updated_at").notNull(),
    /**
     * When a delivery of this item's chunk is next expected (sent, re-sent with a delay, or
     * being run now). The sweeper re-enqueues a pending chunk only once this and `updated_at`
     * are both older than the stall threshold, so it never re-sends a chunk the queue still holds.
     */
    dueAt: text("due_at"),
  },
  (t) => [
    uniqueIndex("job_items_pk").on(t.jobId, t.idx),
    index("job_items_chunk_idx").on(t.jobId, t.chunk),
    index("job_items_status_idx").on(t.jobId, t.status),
    index("job_items_stalled_idx").on(t.status, t.dueAt),
  ],
);

/** Where each scheduled provider search stopped, so a run resumes and never re-reads. */
export const syncCursors = sqliteTable(
  "sync_cursors",
  {
    provider: text("provider").notNull(),
    searchId: text("search_id").notNull(),
    cursor: text("cursor", { mode: "json" }).notNull(),
    status: text("status").$type<SyncCursorStatus>().notNull(),
    pausedUntil: text("paused_until"),
    lastRunAt: text("last_run_at"),
    lastError: text("last_error"),
    imported: integer("imported").notNull().default(0),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("sync_cursors_pk").on(t.provider, t.searchId)],
);

export const INDEX_ENTITIES = ["clients", "sites", "users", "tickets"] as const;
export type IndexEntity = (typeof INDEX_ENTITIES)[number];

/**
 * Runs of the HaloPSA index (POST /halo/index): where the run is (entity, ticket stage, page)
 * and what it has counted so far. A queue message is processed only when it names the run's
 * current step, so a re-delivered page is never counted twice.
 */
export const haloIndexRuns = sqliteTable(
  "halo_index_runs",
  {
    id: text("id").primaryKey(),
    status: text("status").$type<IndexRunStatus>().notNull(),
    entity: text("entity").$type<IndexEntity>().notNull(),
    stage: text("stage").$type<Stage>(),
    page: integer("page").notNull(),
    /** Records read in the current entity pass, to compare with HaloPSA's record_count. */
    passRead: integer("pass_read").notNull().default(0),
    counts: text("counts", { mode: "json" }).$type<Record<string, number>>().notNull(),
    error: text("error"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [index("halo_index_runs_status_idx").on(t.status, t.updatedAt)],
);

/**
 * The tenant's lookup lists (ticket types, statuses, priorities, custom fields) as last read
 * through HaloGate, keyed by HaloPSA base URL: configuration checks reuse them for a while
 * instead of spending the tenant's rate limit on every config change.
 */
export const haloLookups = sqliteTable("halo_lookups", {
  baseUrl: text("base_url").primaryKey(),
  lookups: text("lookups", { mode: "json" }).notNull(),
  fetchedAt: text("fetched_at").notNull(),
});

/**
 * The latest check of the configuration against the tenant's lookups, for /health and
 * POST /config/verify. `fingerprint` covers exactly what the check depends on (the HaloPSA ids
 * and host), so a config change elsewhere keeps the result.
 */
export const configChecks = sqliteTable("config_checks", {
  id: integer("id").primaryKey(),
  fingerprint: text("fingerprint").notNull(),
  configVersion: integer("config_version").notNull(),
  state: text("state", { enum: ["ok", "mismatch", "unverified"] }).notNull(),
  report: text("report", { mode: "json" }).notNull(),
  checkedAt: text("checked_at").notNull(),
});

/**
 * Outbound webhook endpoints. The signing secret must be readable to sign each delivery (HMAC),
 * so it is stored as issued; API answers show it once, at creation or rotation, and never again.
 * During a rotation the previous secret keeps signing (a second signature) until it expires.
 */
export const webhookSubscriptions = sqliteTable("webhook_subscriptions", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  description: text("description"),
  secret: text("secret").notNull(),
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: text("previous_secret_expires_at"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  disabledReason: text("disabled_reason"),
  disabledAt: text("disabled_at"),
  /** First failure since the last success: an endpoint failing for days is disabled. */
  failingSince: text("failing_since"),
  createdBy: text("created_by").notNull(),
  createdAt: createdAt(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * The outbox: one row per event, written in the same D1 batch as the change that caused it, so
 * an event exists exactly when its change does. `dispatched_at` is set once the event has been
 * fanned out to its deliveries; the cron sweep picks up rows a dying Worker left undispatched.
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    occurredAt: text("occurred_at").notNull(),
    /** The full event body as sent (id, type, occurred_at, data). */
    payload: text("payload", { mode: "json" }).notNull(),
    /** Set for `ping` (POST /webhooks/{id}/test): only that endpoint receives it. */
    targetSubscriptionId: text("target_subscription_id"),
    dispatchedAt: text("dispatched_at"),
  },
  (t) => [index("webhook_events_dispatch_idx").on(t.dispatchedAt, t.id)],
);

/** One row per (event, endpoint): its state and schedule. The attempts are in webhook_attempts. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    /** pending | succeeded | failed */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_sub_idx").on(t.eventId, t.subscriptionId),
    index("webhook_deliveries_sub_idx").on(t.subscriptionId, t.id),
    index("webhook_deliveries_status_idx").on(t.status, t.nextAttemptAt),
  ],
);

/** The per-endpoint delivery log: every HTTP attempt (or refusal) with its answer. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    at: text("at").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms"),
    /** The first 1 KB of the answer. */
    response: text("response"),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

/**
 * Request metrics per minute and route pattern (`GET /api/v1/leads/:id`, never a raw path), for
 * GET /analytics/performance. Written in batches from a per-isolate accumulator
 * (src/middleware/metrics.ts), never once per request. Latencies are counted in the fixed
 * buckets of src/domain/latency.ts (`b0`…`b11`), so percentiles can be read back for any range.
 */
export const requestRollups = sqliteTable(
  "request_rollups",
  {
    minute: text("minute").notNull(),
    route: text("route").notNull(),
    count: integer("count").notNull(),
    serverErrors: integer("server_errors").notNull(),
    clientErrors: integer("client_errors").notNull(),
    rateLimited: integer("rate_limited").notNull(),
    latencyMsSum: integer("latency_ms_sum").notNull(),
    bytesIn: integer("bytes_in").notNull(),
    b0: integer("b0").notNull(),
    b1: integer("b1").notNull(),
    b2: integer("b2").notNull(),
    b3: integer("b3").notNull(),
    b4: integer("b4").notNull(),
    b5: integer("b5").notNull(),
    b6: integer("b6").notNull(),
    b7: integer("b7").notNull(),
    b8: integer("b8").notNull(),
    b9: integer("b9").notNull(),
    b10: integer("b10").notNull(),
    b11: integer("b11").notNull(),
  },
  (t) => [uniqueIndex("request_rollups_pk").on(t.minute, t.route)],
);

/**
 * Import outcomes per minute and source, for GET /analytics/sync: written in the import run's
 * own final D1 batch (src/pipeline/import-leads.ts), so recording costs no extra round trip.
 */
export const importRollups = sqliteTable(
  "import_rollups",
  {
    minute: text("minute").notNull(),
    source: text("source").notNull(),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    preserved: integer("preserved").notNull().default(0),
    merged: integer("merged").notNull().default(0),
    rejected: integer("rejected").notNull().default(0),
    suppressed: integer("suppressed").notNull().default(0),
    failed: integer("failed").notNull().default(0),
  },
  (t) => [uniqueIndex("import_rollups_pk").on(t.minute, t.source)],
);

export type HaloNoteState = "pending" | "written";

/**
 * The latest merge note (HaloPSA private Action) per lead (src/pipeline/merge-notes.ts): a note
 * is `pending` from just before its POST until the import's batch records it `written`, so a
 * retried chunk either skips it (same record, already written) or looks it up by its exact text
 * before posting again — never two notes for one merge.
 */
export const mergeNotes = sqliteTable("merge_notes", {
  leadId: text("lead_id").primaryKey(),
  ticketId: integer("ticket_id").notNull(),
  /** SHA-256 of the provider and the record merged (fetch time left out). */
  digest: text("digest").notNull(),
  note: text("note").notNull(),
  state: text("state").$type<HaloNoteState>().notNull(),
  haloActionId: integer("halo_action_id"),
  updatedAt: text("updated_at").notNull(),
});

export const CALL_DIRECTIONS = ["outbound", "inbound"] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** The seed's CALL RECORD, logged against a lead, prospect or opportunity (src/calls/). */
export const calls = sqliteTable(
  "calls",
  {
    id: text("id").primaryKey(),
    leadId: text("lead_id").notNull(),
    /** The record's stage and status when the call was logged, before any automation. */
    stage: text("stage").$type<Stage>().notNull(),
    status: text("status").notNull(),
    occurredAt: text("occurred_at").notNull(),
    direction: text("direction").$type<CallDirection>().notNull(),
    /** E.164. */
    dialledNumber: text("dialled_number").notNull(),
    durationSeconds: integer("duration_seconds").notNull(),
    agent: text("agent").notNull(),
    outcome: text("outcome").notNull(),
    nextAction: text("next_action"),
    nextActionDate: text("next_action_date"),
    notes: text("notes"),
    haloTicketId: integer("halo_ticket_id"),
    haloActionId: integer("halo_action_id"),
    /** What the call_outcomes / auto_promotion rules did, as `{from, to, rule}` steps. */
    transitions: text("transitions", { mode: "json" }).$type<unknown[]>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("calls_lead_idx").on(t.leadId, t.id)],
);

/**
 * HaloPSA webhook deliveries already accepted (POST /webhooks/halopsa), by Halo's delivery id:
 * a replayed or re-sent delivery finds its id here and has no second effect.
 */
export const haloWebhookDeliveries = sqliteTable(
  "halo_webhook_deliveries",
  {
    deliveryId: text("delivery_id").notNull(),
    event: text("event").notNull(),
    objectId: integer("object_id"),
    receivedAt: text("received_at").notNull(),
    /** Set by the jobs queue once the delivery's ticket was re-read and applied. */
    processedAt: text("processed_at"),
    /** What processing did (`applied`, `unknown_ticket`, `deleted`, …). */
    outcome: text("outcome"),
  },
  (t) => [
    uniqueIndex("halo_webhook_deliveries_id_idx").on(t.deliveryId),
    index("halo_webhook_deliveries_received_idx").on(t.receivedAt),
  ],
);
/** Where a Do-Not-Contact entry is pushed (src/dnc): HaloPSA and each provider. */
export const PROPAGATION_TARGETS = ["halopsa", "apollo", "zoominfo", "hunter"] as const;
export type PropagationTarget = (typeof PROPAGATION_TARGETS)[number];
/**
 * pending: not tried yet (the outbox); done: pushed; skipped: nothing to push (origin already
 * holds it, no record of the person there); no_provider_api: the provider has no way to take it;
 * failed: the provider refused it (detail says why).
 */
export type PropagationStatus = "pending" | "done" | "skipped" | "no_provider_api" | "failed";

/**
 * One row per (suppression, target), written in the same D1 batch as the suppression itself,
 * so a crash can never lose a push: pending rows are the outbox the jobs queue works through.
 */
export const suppressionPropagations = sqliteTable(
  "suppression_propagations",
  {
    suppressionId: text("suppression_id").notNull(),
    target: text("target").$type<PropagationTarget>().notNull(),
    status: text("status").$type<PropagationStatus>().notNull(),
    detail: text("detail"),
    attempts: integer("attempts").notNull().default(0),
    /** A propagation run's lease, as on leads (epoch ms). */
    claimToken: text("claim_token"),
    claimExpiresAt: integer("claim_expires_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("suppression_propagations_pk").on(t.suppressionId, t.target),
    index("suppression_propagations_status_idx").on(t.status, t.suppressionId),
  ],
);

/**
 * Feedback the seed wants sent back to providers ("Additional Bi-Directional Sync Scenarios")
 * that no provider API accepts: recorded per provider for an operator to hand over.
 */
export const providerFeedback = sqliteTable(
  "provider_feedback",
  {
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    /** contact_correction | quality | outcome | opt_out */
    kind: text("kind").notNull(),
    leadId: text("lead_id"),
    email: text("email"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("provider_feedback_provider_idx").on(t.provider, t.id)],
);

/** Small provider facts cached in D1 (Apollo's DNC contact stage ids), with when they were read. */
export const providerLookups = sqliteTable(
  "provider_lookups",
  {
    provider: text("provider").notNull(),
    name: text("name").notNull(),
    value: text("value", { mode: "json" }).$type<unknown>().notNull(),
    fetchedAt: text("fetched_at").notNull(),
  },
  (t) => [uniqueIndex("provider_lookups_pk").on(t.provider, t.name)],
);
