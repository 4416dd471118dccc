import { z } from "@hono/zod-openapi";
import { LEAD_SOURCES } from "../domain/lead";

const ISO_DATE_OR_TIME =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const dateParam = (description: string) =>
  z
    .string()
    .regex(
      ISO_DATE_OR_TIME,
      "expected an ISO 8601 date or date-time (2026-01-31, 2026-01-31T09:30:00Z)",
    )
    .refine((v) => !Number.isNaN(Date.parse(v)), "not a calendar date")
    .optional()
    .openapi({ description, example: "2026-01-01" });

export const PeriodQuerySchema = z.object({
  start_date: dateParam("Start of the period, inclusive (ISO 8601 date or date-time)"),
  end_date: dateParam(
    "End of the period (ISO 8601); a bare date includes that whole day. Default: now",
  ),
});

export const SyncQuerySchema = PeriodQuerySchema.extend({
  source: z.enum(LEAD_SOURCES).optional().openapi({ description: "Only leads from this source" }),
});

const PeriodSchema = z.object({
  start: z.string().openapi({ description: "Inclusive (ISO 8601)" }),
  end: z.string().openapi({ description: "Exclusive (ISO 8601)" }),
});

const OutcomesSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    preserved: z.number().int(),
    merged: z.number().int(),
    rejected: z.number().int(),
    suppressed: z.number().int(),
    failed: z.number().int(),
  })
  .openapi("ImportOutcomeCounts", { description: "Import outcomes in the period" });

export const SyncAnalyticsSchema = z
  .object({
    period: PeriodSchema,
    totals: z.object({
      leads_imported: z.number().int().openapi({ description: "Leads created in HaloPSA" }),
      prospects_created: z.number().int().openapi({
        description: "Of the leads first imported in the period, those now a prospect or beyond",
      }),
      opportunities_won: z.number().int().openapi({
        description: "Of the leads first imported in the period, those now a won opportunity",
      }),
    }),
    by_source: z.record(
      z.string(),
      z.object({
        leads: z.number().int().openapi({ description: "Leads created from this source" }),
        records: z.number().int().openapi({ description: "Records received, every outcome" }),
        success_rate: z
          .number()
          .nullable()
          .openapi({
            description:
              "Written (created or matched) over attempted (written, rejected, failed); " +
              "suppressions count as neither. null when nothing was attempted",
          }),
        duplicates_prevented: z.number().int(),
        suppressed: z.number().int(),
      }),
    ),
    funnel: z
      .object({
        leads: z.number().int(),
        prospects: z.number().int(),
        opportunities: z.number().int(),
        won: z.number().int(),
      })
      .openapi({
        description:
          "The leads first imported in the period by where they are now: every lead, those at " +
          "prospect or beyond, those at opportunity, those won",
      }),
    outcomes: OutcomesSchema,
    duplicates_prevented: z.number().int().openapi({
      description: "Records matched to a person already known instead of creating a second one",
    }),
    suppressed: z.number().int(),
    halopsa: z.object({
      calls: z.number().int().nullable().openapi({
        description: "HaloPSA requests sent in the period (all sources; null with `source`)",
      }),
      baseline_calls: z
        .number()
        .int()
        .openapi({
          description:
            "What the per-lead workflow would have sent for the same outcomes: 8 per new lead " +
            "(a search and a create per client, site, user, ticket), 4 per known one",
        }),
      calls_saved: z.number().int().nullable(),
    }),
    providers: z
      .record(
        z.string(),
        z.object({
          configured: z.boolean(),
          credits_spent_today: z.number().int().nullable(),
          daily_credit_budget: z.number().int().nullable(),
          cooldown_until: z.string().nullable(),
        }),
      )
      .openapi({ description: "Each provider's credits spent today (UTC), from its gate" }),
    timeline: z.object({
      granularity: z.enum(["hour", "day"]),
      points: z.array(
        z.object({
          start: z.string().openapi({ example: "2026-01-31T09" }),
          source: z.string(),
          leads: z.number().int(),
          duplicates_prevented: z.number().int(),
          suppressed: z.number().int(),
          failed: z.number().int(),
        }),
      ),
    }),
  })
  .openapi("SyncAnalytics");

const TimingsSchema = z.object({
  average: z.number().nullable().openapi({ description: "ms; null without requests" }),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

export const PerformanceSchema = z
  .object({
    period: PeriodSchema,
    response_times: TimingsSchema.openapi({
      description: "Milliseconds; percentiles read from fixed latency buckets",
    }),
    error_rates: z.object({
      total: z.number().openapi({ description: "Share of requests answered 5xx" }),
      client: z.number().openapi({ description: "Share of requests answered 4xx" }),
      by_endpoint: z.record(z.string(), z.number()).openapi({
        description: "5xx share per route pattern (`POST /api/v1/sync/leads`)",
      }),
    }),
    throughput: z.object({
      requests: z.number().int(),
      requests_per_minute: z.number(),
      data_processed_mb: z.number().openapi({ description: "Request bodies received, MiB" }),
    }),
    rate_limited: z.number().int().openapi({ description: "Requests this API answered 429" }),
    endpoints: z.array(
      TimingsSchema.extend({
        route: z.string(),
        requests: z.number().int(),
        error_rate: z.number(),
      }),
    ),
    halopsa: z.object({
      calls: z.number().int().openapi({ description: "Requests sent to HaloPSA in the period" }),
      responses_429: z.number().int().openapi({ description: "429s HaloPSA answered" }),
      throttled: z.number().int().openapi({
        description: "Calls HaloGate held back (window full or cooling down after a 429)",
      }),
      window: z
        .object({
          limit: z.number().int().nullable(),
          window_seconds: z.number().int().nullable(),
          budget: z.number().int().nullable(),
          used: z.number().int(),
          in_flight: z.number().int(),
          remaining: z.number().int().nullable(),
          cooldown_until: z.string().nullable(),
          last_429_at: z.string().nullable(),
        })
        .nullable()
        .openapi({ description: "HaloGate's rolling window now; null if it cannot be read" }),
    }),
  })
  .openapi("PerformanceAnalytics");
