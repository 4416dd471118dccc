import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { database } from "../db/client";
import { requestMetrics } from "../db/request-metrics";
import type { AppEnv } from "../http/types";

/**
 * Counts every API request (status, latency, bytes) per minute and route pattern for
 * GET /analytics/performance. Recording is in memory; the batch write to D1 runs after the
 * answer (`waitUntil`) at most every few seconds, never on the request's own path.
 */
export const metrics = createMiddleware<AppEnv>(async function metrics(c, next) {
  const started = performance.now();
  const at = Date.now();
  try {
    await next();
  } finally {
    // The last matched handler that is not middleware names the route: `/api/v1/leads/:id`.
    const route = matchedRoutes(c).findLast((r) => r.method !== "ALL");
    requestMetrics.record({
      at,
      route: route ? `${c.req.method} ${route.path}` : "(unmatched)",
      status: c.res.status,
      latencyMs: performance.now() - started,
      bytesIn: Number(c.req.header("Content-Length") ?? 0) || 0,
    });
    if (requestMetrics.due(Date.now())) {
      const flush = requestMetrics.flush(database(c.env.DB)).catch((err: unknown) => {
        console.warn("request metrics: flush failed, kept for the next one", String(err));
      });
      try {
        c.executionCtx.waitUntil(flush);
      } catch {
        // No execution context (a direct app.fetch in a script): the flush runs unawaited.
      }
    }
  }
});
