import type { OpenAPIHono } from "@hono/zod-openapi";
import { notFound, onError } from "./http/on-error";
import { API_INFO, openApiDocument } from "./http/openapi-document";
import { routeTable } from "./http/route-table";
import { newRouter } from "./http/router";
import type { AppEnv } from "./http/types";
import { bodyGuard } from "./middleware/body-guard";
import { answerOptions, corsPolicy, securityHeaders } from "./middleware/http-hygiene";
import { metrics } from "./middleware/metrics";
import { outboxKick } from "./middleware/outbox-kick";
import { requestId } from "./middleware/request-id";
import { analyticsRoutes } from "./routes/analytics";
import { auditRoutes } from "./routes/audit";
import { bulkRoutes, MAX_BULK_BODY_BYTES } from "./routes/bulk";
import { callsRoutes, leadCallsRoutes } from "./routes/calls";
import { configRoutes } from "./routes/config";
import { dashboardRoutes } from "./routes/dashboard";
import { DOCS_CSP, renderDocs, SCALAR_SCRIPT } from "./routes/docs";
import { errorsRoutes } from "./routes/errors";
import { feedbackRoutes } from "./routes/feedback";
import { haloRoutes } from "./routes/halo";
import { haloWebhookSetupRoutes } from "./routes/halo-webhook-setup";
import { HALO_WEBHOOK_SECURITY, haloWebhookRoutes } from "./routes/halo-webhooks";
import { healthRoutes } from "./routes/health";
import { jobsRoutes } from "./routes/jobs";
import { keysRoutes } from "./routes/keys";
import { leadsRoutes } from "./routes/leads";
import { leadStatusRoutes, lifecycleRoutes } from "./routes/lifecycle";
import { listsRoutes } from "./routes/lists";
import { opportunitiesRoutes } from "./routes/opportunities";
import { prospectsRoutes } from "./routes/prospects";
import { providerSyncRoutes } from "./routes/provider-sync";
import { suppressionRoutes } from "./routes/suppressions";
import { syncRoutes } from "./routes/sync";
import { validateRoutes } from "./routes/validate";
import { registerWebhookEvents } from "./routes/webhook-events";
import { webhooksRoutes } from "./routes/webhooks";

export const API_PREFIX = "/api/v1";
const MAX_BODY_BYTES = 1024 * 1024;
const BULK_PATH = `${API_PREFIX}/sync/leads/bulk`;
/** A batched HaloPSA delivery of full ticket objects can pass 1 MiB. */
const HALO_WEBHOOK_PATH = `${API_PREFIX}/webhooks/halopsa`;
const MAX_HALO_WEBHOOK_BYTES = 8 * 1024 * 1024;

/** Routes under /api/v1, each resource in its own file. */
function mountRoutes(api: OpenAPIHono<AppEnv>): void {
  api.route("/health", healthRoutes);
  api.route("/keys", keysRoutes);
  api.route("/config", configRoutes);
  api.route("/sync/providers", providerSyncRoutes);
  api.route("/halo", haloRoutes);
  api.route("/sync", syncRoutes);
  api.route("/sync", bulkRoutes);
  api.route("/sync", jobsRoutes);
  api.route("/validate", validateRoutes);
  api.route("/leads", leadsRoutes);
  api.route("/lists", listsRoutes);
  api.route("/suppressions", suppressionRoutes);
  api.route("/audit", auditRoutes);
  // Before the subscription routes: their admin-key check must not meet HaloPSA's Basic auth.
  api.route("/webhooks", haloWebhookRoutes);
  api.route("/webhooks", webhooksRoutes);
  api.route("/errors", errorsRoutes);
  api.route("/analytics", analyticsRoutes);
  api.route("/leads", leadStatusRoutes);
  api.route("/prospects", prospectsRoutes);
  api.route("/opportunities", opportunitiesRoutes);
  api.route("/lifecycle", lifecycleRoutes);
  api.route("/calls", callsRoutes);
  api.route("/leads", leadCallsRoutes);
  api.route("/halo", haloWebhookSetupRoutes);
  api.route("/feedback", feedbackRoutes);
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = newRouter();
  // Read lazily: the routes are mounted below, after the middleware that consults them.
  const routes = routeTable(() => app.routes);
  // Order matters: the request id must exist before anything can fail; the security headers
  // wrap every answer, errors and preflights included; CORS and OPTIONS answer before
  // authentication (a browser's preflight carries no key); the body guard refuses unreadable
  // bodies before a validator tries to parse them.
  app.use("*", requestId);
  app.use("*", securityHeaders);
  // Every API answer is counted for /analytics/performance, errors and preflights included.
  app.use(`${API_PREFIX}/*`, metrics);
  app.use(`${API_PREFIX}/*`, corsPolicy(routes));
  app.use(`${API_PREFIX}/*`, answerOptions(routes));
  app.use(
    `${API_PREFIX}/*`,
    bodyGuard(
      (path) =>
        path === BULK_PATH
          ? MAX_BULK_BODY_BYTES
          : path.startsWith(HALO_WEBHOOK_PATH)
            ? MAX_HALO_WEBHOOK_BYTES
            : MAX_BODY_BYTES,
      new Set([BULK_PATH]),
    ),
  );
  app.use(`${API_PREFIX}/*`, outboxKick);
  app.onError(onError);
  app.notFound(notFound(routes));

  const api = newRouter();
  mountRoutes(api);
  app.route(API_PREFIX, api);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key issued by POST /api/v1/keys",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", HALO_WEBHOOK_SECURITY, {
    type: "http",
    scheme: "basic",
    description:
      "HaloPSA's outgoing webhook: username HALO_WEBHOOK_USERNAME, password the Worker secret " +
      "HALO_WEBHOOK_PASSWORD (GET /api/v1/halo/webhook-setup)",
  });
  registerWebhookEvents(app);
  const document = openApiDocument(app);
  app.get(`${API_PREFIX}/openapi.json`, (c) => c.json(document()));
  app.get(`${API_PREFIX}/docs`, (c) => {
    c.header("Content-Security-Policy", DOCS_CSP);
    return c.html(renderDocs(`${API_PREFIX}/openapi.json`, API_INFO.title));
  });
  // Static assets (public/): run_worker_first sends every request here first.
  app.get(`${SCALAR_SCRIPT}`, (c) => c.env.ASSETS.fetch(c.req.raw));
  app.route("/", dashboardRoutes);
  return app;
}
