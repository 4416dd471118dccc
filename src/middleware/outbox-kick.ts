import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/types";
import { kickOutbox } from "../webhooks/dispatch";

/**
 * After a successful change through the API, the outbox is dispatched in the background
 * (`waitUntil`): the answer never waits for webhook work, and whatever this misses — a Worker
 * killed first — the cron sweep sends.
 */
export const outboxKick = createMiddleware<AppEnv>(async function outboxKick(c, next) {
  await next();
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.res.status >= 400) return;
  try {
    c.executionCtx.waitUntil(kickOutbox(c.env));
  } catch {
    // No execution context (a direct app.fetch in a script): the sweep will send.
  }
});
