import { Hono } from "hono";
import { controlRoutes } from "./control";
import type { TenantContext } from "./halo/context";
import { haloGate } from "./halo/gate";
import { jsonResponse } from "./halo/json";
import { authRoutes } from "./halo/routes/auth";
import { entityRoutes } from "./halo/routes/entities";
import { lookupRoutes } from "./halo/routes/lookups";
import { mountProviders } from "./providers/routes";

/** One tenant's HTTP surface: the HaloPSA API (behind the gate) plus the control plane. */
export function buildApp(t: TenantContext): Hono {
  const app = new Hono();
  app.route("/_sandbox", controlRoutes(t));

  const gate = haloGate(t);
  app.use("/auth/*", gate);
  app.use("/api/*", gate);
  authRoutes(app, t);
  lookupRoutes(app);
  entityRoutes(app, t);
  // /apollo, /zoominfo, /hunter: outside the HaloPSA gate, with their own limits.
  mountProviders(app, t);

  app.notFound((c) => jsonResponse({ error: "not_found", message: `No route ${c.req.path}` }, 404));
  app.onError((err) => {
    console.error("sandbox error", err);
    return jsonResponse({ error: "sandbox_error", message: err.message }, 500);
  });
  return app;
}
