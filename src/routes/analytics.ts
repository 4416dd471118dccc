import { createRoute } from "@hono/zod-openapi";
import type { IntegrationConfig } from "../config/schema";
import {
  cohortStages,
  type ImportRow,
  importTotals,
  type RouteTotals,
  requestTotals,
} from "../db/analytics-repo";
import { type Db, database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { requestMetrics } from "../db/request-metrics";
import {
  addCounts,
  baselineCalls,
  duplicatesPrevented,
  type ImportCounts,
  successRate,
  ZERO_IMPORT_COUNTS,
} from "../domain/analytics";
import { percentile } from "../domain/latency";
import {
  elapsedMinutes,
  minuteRange,
  type Period,
  resolvePeriod,
  seriesGranularity,
} from "../domain/period";
import { AppError } from "../errors";
import { gateStub } from "../halo/client";
import { haloSettings } from "../halo/settings";
import { authErrors, bearerSecurity, errorResponse, jsonResponse } from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { providerCredits } from "../sync/credits";
import {
  PerformanceSchema,
  PeriodQuerySchema,
  SyncAnalyticsSchema,
  SyncQuerySchema,
} from "./analytics-schemas";

const DAY_MS = 86_400_000;
const queryErrors = {
  400: errorResponse("Invalid query; `details.field` names the parameter at fault"),
} as const;

export const analyticsRoutes = newRouter();

function period(q: { start_date?: string; end_date?: string }, now: Date, spanMs: number): Period {
  const p = resolvePeriod(q, now, spanMs);
  if ("field" in p) {
    throw new AppError("VALIDATION_ERROR", `Invalid query string: ${p.field}: ${p.message}`, {
      details: { field: p.field, location: "query string" },
    });
  }
  return p;
}

/** The tenant's HaloGate, or null when the configuration cannot be read. */
function gate(env: Env, config: IntegrationConfig | null) {
  return config ? gateStub(env, haloSettings(env, config)) : null;
}

async function currentConfig(db: Db): Promise<IntegrationConfig | null> {
  return loadConfig(db).then(
    (r) => r.config,
    () => null,
  );
}

const counts = (r: ImportRow): ImportCounts => ({
  created: r.created,
  updated: r.updated,
  preserved: r.preserved,
  merged: r.merged,
  rejected: r.rejected,
  suppressed: r.suppressed,
  failed: r.failed,
});

analyticsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/sync",
    tags: ["Analytics"],
    summary: "Import statistics: totals, per source, the funnel, HaloPSA calls saved",
    description:
      "The seed's sync statistics, extended: the funnel lead → prospect → opportunity → won of " +
      "the leads first imported in the period, duplicates prevented, suppressions, and the " +
      "HaloPSA calls saved against the per-lead workflow. Default period: the last 30 days.",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { query: SyncQuerySchema },
    responses: {
      200: jsonResponse(SyncAnalyticsSchema, "Sync statistics for the period"),
      ...queryErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const now = new Date();
    const p = period(q, now, 30 * DAY_MS);
    const db = database(c.env.DB);
    const granularity = seriesGranularity(p);
    const range = minuteRange(p);
    const [rows, stages] = await Promise.all([
      importTotals(db, {
        ...range,
        ...(q.source ? { source: q.source } : {}),
        prefix: granularity === "hour" ? 13 : 10,
      }),
      cohortStages(db, {
        from: p.start.toISOString(),
        to: p.end.toISOString(),
        ...(q.source ? { source: q.source } : {}),
      }),
    ]);

    let all = ZERO_IMPORT_COUNTS;
    const perSource = new Map<string, ImportCounts>();
    for (const r of rows) {
      all = addCounts(all, counts(r));
      perSource.set(r.source, addCounts(perSource.get(r.source) ?? ZERO_IMPORT_COUNTS, counts(r)));
    }
    const funnel = { leads: 0, prospects: 0, opportunities: 0, won: 0 };
    for (const s of stages) {
      funnel.leads += s.n;
      if (s.stage === "prospect" || s.stage === "opportunity") funnel.prospects += s.n;
      if (s.stage === "opportunity") funnel.opportunities += s.n;
      if (s.stage === "opportunity" && s.status === "won") funnel.won += s.n;
    }

    // HaloPSA calls cannot be told apart by source: only answered for all sources.
    const config = await currentConfig(db);
    let calls: number | null = null;
    if (!q.source) {
      const stub = gate(c.env, config);
      calls = stub
        ? await stub
            .history(p.start.getTime(), p.end.getTime())
            .then((h) => h.requests_sent)
            .catch(() => null)
        : null;
    }
    const baseline = baselineCalls(all);
    return c.json(
      {
        period: { start: p.start.toISOString(), end: p.end.toISOString() },
        totals: {
          leads_imported: all.created,
          prospects_created: funnel.prospects,
          opportunities_won: funnel.won,
        },
        by_source: Object.fromEntries(
          [...perSource].map(([source, s]) => [
            source,
            {
              leads: s.created,
              records: Object.values(s).reduce((a, b) => a + b, 0),
              success_rate: successRate(s),
              duplicates_prevented: duplicatesPrevented(s),
              suppressed: s.suppressed,
            },
          ]),
        ),
        funnel,
        outcomes: all,
        duplicates_prevented: duplicatesPrevented(all),
        suppressed: all.suppressed,
        halopsa: {
          calls,
          baseline_calls: baseline,
          calls_saved: calls === null ? null : baseline - calls,
        },
        providers: config ? await providerCredits(c.env, config, now.getTime()) : {},
        timeline: {
          granularity,
          points: rows.map((r) => ({
            start: r.bucket,
            source: r.source,
            leads: r.created,
            duplicates_prevented: duplicatesPrevented(counts(r)),
            suppressed: r.suppressed,
            failed: r.failed,
          })),
        },
      },
      200,
    );
  },
);

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function timings(t: Pick<RouteTotals, "count" | "latencyMsSum" | "buckets">) {
  return {
    average: t.count === 0 ? null : round(t.latencyMsSum / t.count, 1),
    p95: percentile(t.buckets, 0.95),
    p99: percentile(t.buckets, 0.99),
  };
}

analyticsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/performance",
    tags: ["Analytics"],
    summary: "Response times, error rates, throughput, HaloPSA window use",
    description:
      "The seed's performance metrics over the period (default: the last 24 hours), per route " +
      "pattern, with HaloGate's rolling window now and the HaloPSA calls, 429s and held-back " +
      "calls of the period. Counts are recorded per minute and written in batches, so the last " +
      "few seconds of other Worker instances may not show yet.",
    security: bearerSecurity,
    middleware: [requireScope("read")] as const,
    request: { query: PeriodQuerySchema },
    responses: {
      200: jsonResponse(PerformanceSchema, "Performance metrics for the period"),
      ...queryErrors,
      ...authErrors,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const now = new Date();
    const p = period(q, now, DAY_MS);
    const db = database(c.env.DB);
    // This instance's own unwritten counts first, so what it answers includes them.
    await requestMetrics.flush(db).catch(() => undefined);
    const range = minuteRange(p);
    const routes = await requestTotals(db, range.from, range.to);
    const total: RouteTotals = {
      route: "*",
      count: 0,
      serverErrors: 0,
      clientErrors: 0,
      rateLimited: 0,
      latencyMsSum: 0,
      bytesIn: 0,
      buckets: [],
    };
    for (const r of routes) {
      total.count += r.count;
      total.serverErrors += r.serverErrors;
      total.clientErrors += r.clientErrors;
      total.rateLimited += r.rateLimited;
      total.latencyMsSum += r.latencyMsSum;
      total.bytesIn += r.bytesIn;
      total.buckets = r.buckets.map((n, i) => n + (total.buckets[i] ?? 0));
    }
    const share = (n: number, of: number) => (of === 0 ? 0 : round(n / of, 4));

    const stub = gate(c.env, await currentConfig(db));
    const [history, status] = stub
      ? await Promise.all([
          stub.history(p.start.getTime(), p.end.getTime()).catch(() => null),
          stub.status().catch(() => null),
        ])
      : [null, null];
    return c.json(
      {
        period: { start: p.start.toISOString(), end: p.end.toISOString() },
        response_times: timings(total),
        error_rates: {
          total: share(total.serverErrors, total.count),
          client: share(total.clientErrors, total.count),
          by_endpoint: Object.fromEntries(
            routes.map((r) => [r.route, share(r.serverErrors, r.count)]),
          ),
        },
        throughput: {
          requests: total.count,
          requests_per_minute: round(total.count / elapsedMinutes(p, now), 2),
          data_processed_mb: round(total.bytesIn / (1024 * 1024), 3),
        },
        rate_limited: total.rateLimited,
        endpoints: routes.map((r) => ({
          route: r.route,
          requests: r.count,
          error_rate: share(r.serverErrors, r.count),
          ...timings(r),
        })),
        halopsa: {
          calls: history?.requests_sent ?? 0,
          responses_429: history?.responses_429 ?? 0,
          throttled: history?.throttled ?? 0,
          window: status
            ? {
                limit: status.limit?.requests ?? null,
                window_seconds: status.limit?.window_seconds ?? null,
                budget: status.budget,
                used: status.window.used,
                in_flight: status.window.in_flight,
                remaining: status.window.remaining,
                cooldown_until: status.cooldown_until,
                last_429_at: status.last_429_at,
              }
            : null,
        },
      },
      200,
    );
  },
);
